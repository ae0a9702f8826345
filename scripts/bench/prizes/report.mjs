// The prize bench's report: a phase's figures as it ends, and the summary against issue 11's goals.
import os from 'node:os';

// Issue 11's goals, each against the baseline measured in the same run.
const TARGETS = { ratio: 1.0, cpuRatio: 1.1, p99Ms: 100, rssMiB: 200 };

export function report(
  run,
  phase,
  { drain, latency, observedLatency, pollPeriodMs, worker, peakRss, committed, total },
) {
  if (drain) {
    run.log(
      `${phase}: ${drain.processed} processed; sustained ${drain.sustained.toFixed(0)} events/s over ${(drain.windowMs / 1000).toFixed(2)} s; ` +
        `wall ${(drain.wallMs / 1000).toFixed(2)} s incl. boot (${drain.wallRate.toFixed(0)} events/s); first commit seen ${drain.firstCommitAfterMs} ms after spawn; ` +
        `CPU ${drain.cpuMsPerEvent.toFixed(2)} ms per event`,
    );
  }
  if (latency) {
    run.log(`${phase}: ${committed}/${total} committed; latency send→processed_at ${fmtLatency(latency)}`);
    run.log(
      `${phase}: latency send→row seen by the poll (upper bound, poll every ${pollPeriodMs.toFixed(0)} ms) ${fmtLatency(observedLatency)}`,
    );
  }
  const cpu =
    worker.cpuMs !== undefined
      ? `; CPU ${(worker.cpuMs / 1000).toFixed(1)} s in ${((worker.stoppedAt - worker.startedAt) / 1000).toFixed(1)} s alive`
      : '';
  const shutdown =
    worker.shutdownMs !== undefined
      ? `; exit ${worker.exitCode ?? worker.exitSignal} ${worker.shutdownMs} ms after SIGTERM`
      : '';
  const afterBoot = worker.rss.atReadyKiB ? ` (${mib(worker.rss.atReadyKiB)} MiB after boot)` : '';
  run.log(`${phase}: ${worker.name} peak RSS ${mib(peakRss)} MiB${afterBoot}${cpu}${shutdown}; log: ${worker.logPath}`);
  const { warn, error, stderr, samples } = worker.logs;
  if (warn + error + stderr > 0) {
    run.log(
      `${phase}: ${worker.name} logged ${error} error(s), ${warn} warning(s), ${stderr} other stderr line(s); first:`,
    );
    for (const s of samples) run.log(`    ${s}`);
  }
}

export function printSummary(run, { a, b, c, s }) {
  const cpu = os.cpus();
  const ratio = c ? a.sustained / c.sustained : NaN;
  const cpuRatio = c ? a.cpuMsPerEvent / c.cpuMsPerEvent : NaN;
  const peakRss = Math.max(a.peakRss, b.peakRss, ...(s?.runs.map((r) => r.peakRss) ?? []));
  const met = (ok) => (Number.isNaN(ok) || ok === undefined ? 'n/a' : ok ? 'MET' : 'MISSED');
  const lines = [
    `machine           ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}`,
    `node              ${process.version}`,
    `events (A/C)      ${run.options.events}; paced ${run.options.pacedRate}/s${run.options.fixedPacedRate === undefined && c ? ' (half the baseline)' : ''} × ${run.options.pacedSeconds} s (achieved ${b.achievedRate.toFixed(0)}/s)`,
    `worker sustained  ${a.sustained.toFixed(0)} events/s (wall incl. boot ${a.wallRate.toFixed(0)} events/s, boot ${a.bootMs ?? '?'} ms)`,
    `baseline          ${c ? `${c.sustained.toFixed(0)} events/s` : 'skipped'}`,
    `ratio             ${c ? ratio.toFixed(2) : 'n/a'} (worker / baseline throughput)`,
    `CPU per event     worker ${a.cpuMsPerEvent.toFixed(2)} ms, baseline ${c ? `${c.cpuMsPerEvent.toFixed(2)} ms (ratio ${cpuRatio.toFixed(2)})` : 'skipped'}`,
    `paced latency     p50 ${fmt(b.latency.p50)} ms, p95 ${fmt(b.latency.p95)} ms, p99 ${fmt(b.latency.p99)} ms, max ${fmt(b.latency.max)} ms (send → processed_at)`,
    `  upper bound     p50 ${fmt(b.observedLatency.p50)} ms, p95 ${fmt(b.observedLatency.p95)} ms, p99 ${fmt(b.observedLatency.p99)} ms (send → row seen by the poll)`,
    `worker RSS        ${a.bootRss ? `${mib(a.bootRss)} MiB after boot, ` : ''}peak ${mib(peakRss)} MiB (A ${mib(a.peakRss)}, B ${mib(b.peakRss)}${s ? `, S ${mib(Math.max(...s.runs.map((r) => r.peakRss)))}` : ''})`,
    ...(s
      ? [
          `scaling           ${s.runs.map((r) => `${r.replicas} replica(s) ${r.sustained.toFixed(0)}/s`).join(', ')}; SQS receive+delete ceiling ${s.ceiling.toFixed(0)}/s` +
            ` (the largest run at ${((Math.max(...s.runs.map((r) => r.sustained)) / s.ceiling) * 100).toFixed(0)} % of it)`,
          `scaling RSS       peak per replica ${s.runs.map((r) => `${mib(r.peakRss)} MiB (${r.replicas})`).join(', ')}`,
        ]
      : []),
    `worker logs       ${a.logs.error + b.logs.error} error(s), ${a.logs.warn + b.logs.warn} warning(s), ${a.logs.stderr + b.logs.stderr} other stderr line(s)`,
    `goals             throughput ≥${TARGETS.ratio}× baseline ${met(c ? ratio >= TARGETS.ratio : undefined)}; ` +
      `CPU ≤${TARGETS.cpuRatio}× baseline ${met(c ? cpuRatio <= TARGETS.cpuRatio : undefined)}; ` +
      `p99 ≤${TARGETS.p99Ms} ms ${met(b.latency.p99 <= TARGETS.p99Ms)} (upper bound ${met(b.observedLatency.p99 <= TARGETS.p99Ms)}); RSS ≤${TARGETS.rssMiB} MiB ${met(peakRss / 1024 <= TARGETS.rssMiB)}`,
    `correctness       ${run.failures.length === 0 ? 'all checks passed' : `${run.failures.length} check(s) FAILED`}`,
    ...run.problems.map((p) => `problem           ${p}`),
  ];
  console.log(
    `\n================ benchmark summary ================\n${lines.join('\n')}\n===================================================`,
  );
}

const fmt = (v) => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');
const fmtLatency = (l) =>
  `p50 ${fmt(l.p50)} / p95 ${fmt(l.p95)} / p99 ${fmt(l.p99)} / max ${fmt(l.max)} ms (n=${l.count})`;
export const mib = (kib) => (kib / 1024).toFixed(0);
