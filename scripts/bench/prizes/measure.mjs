// How a prize phase measures: the drain of N events (rate, CPU per event) read from
// processed_messages, and when each commit was first seen.
import { sleep } from '../support.mjs';
import { procCpuMs } from './processes.mjs';
import { KEY_PREFIX } from './workload.mjs';

const STALL_MS = 30_000; // a drain that makes no progress this long is reported as failed

/** Polls the processed count every 100 ms until it reaches n, the consumer stalls or dies. */
export async function waitForCount(run, proc, n) {
  let count = 0;
  let lastProgress = Date.now();
  let firstSeenAt;
  while (count < n) {
    await sleep(100);
    const next = Number((await run.db.query('SELECT count(*) AS c FROM processed_messages')).rows[0].c);
    if (next > count) lastProgress = Date.now();
    if (next > 0 && firstSeenAt === undefined) {
      firstSeenAt = Date.now();
      proc.cpuAtFirstCommitMs = procCpuMs(proc.child.pid); // CPU of the drain, not of the boot
    }
    count = next;
    if (proc.exited) {
      proc.exitReported = true;
      run.fail(
        `${proc.name} exited (code ${proc.exitCode ?? proc.exitSignal}) with ${count}/${n} processed; see ${proc.logPath}`,
      );
      break;
    }
    if (Date.now() - lastProgress > STALL_MS) {
      run.fail(`${proc.name} stalled at ${count}/${n} processed for ${STALL_MS / 1000} s; see ${proc.logPath}`);
      break;
    }
    if (run.interrupted) throw new Error('interrupted');
  }
  return { count, firstSeenAt };
}

/**
 * Times a drain of n events (see waitForCount).
 * Sustained rate = rows over the window from the first to the last processed_at (DB clock);
 * wall rate also counts the process's boot.
 */
export async function measureDrain(run, proc, n) {
  const { firstSeenAt } = await waitForCount(run, proc, n);
  const doneAt = Date.now();
  const cpuAtDone = procCpuMs(proc.child.pid);
  const { rows } = await run.db.query(
    `SELECT count(*) AS c,
            extract(epoch FROM min(processed_at)::timestamptz) * 1000 AS first,
            extract(epoch FROM max(processed_at)::timestamptz) * 1000 AS last
       FROM processed_messages`,
  );
  const windowMs = Number(rows[0].last) - Number(rows[0].first);
  const processed = Number(rows[0].c);
  return {
    processed,
    windowMs,
    sustained: windowMs > 0 ? (processed - 1) / (windowMs / 1000) : NaN,
    wallMs: doneAt - proc.startedAt,
    wallRate: processed / ((doneAt - proc.startedAt) / 1000),
    firstCommitAfterMs: firstSeenAt ? firstSeenAt - proc.startedAt : undefined,
    // CPU (user + system) from the first commit to the last, per event.
    cpuMsPerEvent:
      cpuAtDone !== undefined && proc.cpuAtFirstCommitMs !== undefined
        ? (cpuAtDone - proc.cpuAtFirstCommitMs) / Math.max(1, processed - 1)
        : NaN,
  };
}

/**
 * Every 20 ms, reads rows processed recently (2 s look-back, since processed_at is the
 * transaction's start and commits land out of order) and notes when each was first seen.
 */
export function pollCommits(run, seenAt, finished) {
  let stopped = false;
  let watermark = '-infinity';
  const stats = { polls: 0, startedAt: Date.now() };
  const done = (async () => {
    while (!stopped && !finished()) {
      stats.polls += 1;
      const { rows } = await run.db.query(
        `SELECT key, processed_at::text AS ts FROM processed_messages
          WHERE processed_at > $1::timestamp - interval '2 seconds' ORDER BY processed_at`,
        [watermark],
      );
      const now = Date.now();
      for (const { key, ts } of rows) {
        const id = key.slice(KEY_PREFIX.length);
        if (!seenAt.has(id)) seenAt.set(id, now);
        watermark = ts;
      }
      await sleep(20);
    }
  })();
  return { done, stats, stop: () => (stopped = true) };
}
