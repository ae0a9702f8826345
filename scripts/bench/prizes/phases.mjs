// The prize bench's phases (see scripts/bench/index.mjs): C the bare baseline, A sustained
// throughput, B latency at a paced load, S scaling with the SQS endpoint's own ceiling.
import path from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createSystemQueuePair, ROOT } from '../../local-services.mjs';
import { percentiles, sleep } from '../support.mjs';
import { resetState, verify } from './checks.mjs';
import { measureDrain, pollCommits, waitForCount } from './measure.mjs';
import { spawnConsumer, spawnWorker, stopProcess } from './processes.mjs';
import { chunk, sendAll, sendBatch } from './queues.mjs';
import { mib, report } from './report.mjs';
import { KEY_PREFIX, makeEvents } from './workload.mjs';

const PRIZES = 'prize-distribution'; // the queue table's queue the bench's queues are shaped as

/** Phase A: prefill the N events (--events), then start the worker and time the drain. */
export async function phaseA(run, { events, expected }) {
  run.log(
    `\n== Phase A: sustained throughput, ${run.options.events} events prefilled, then ${run.options.workers === 1 ? 'the worker starts' : `${run.options.workers} worker processes start`}`,
  );
  await resetState(run);
  const queues = await createSystemQueuePair(run.sqs, 'bench-prizes', PRIZES);
  const t0 = Date.now();
  await sendAll(run, queues.queueUrl, events);
  run.log(`prefilled ${run.options.events} events in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const worker = await spawnWorker(run, 'worker-a', queues.queueUrl);
  const replicas = await Promise.all(
    Array.from({ length: run.options.workers - 1 }, (_, i) => spawnWorker(run, `worker-a${i + 2}`, queues.queueUrl)),
  );
  const drain = await measureDrain(run, worker, run.options.events);
  await worker.waitReady.catch(() => {}); // boot time for the report (the port answers after boot)
  const peakRss = await stopProcess(run, worker);
  for (const replica of replicas)
    run.log(`A: ${replica.name} peak RSS ${((await stopProcess(run, replica)) / 1024).toFixed(0)} MiB`);
  await verify(run, 'A', expected, queues);
  report(run, 'A', { drain, worker, peakRss });
  return {
    ...drain,
    bootMs: worker.readyAt ? worker.readyAt - worker.startedAt : undefined,
    peakRss,
    bootRss: worker.rss.atReadyKiB,
    cpuMs: worker.cpuMs,
    logs: worker.logs,
  };
}

/** Phase S: N events drained by each replica count in turn, then the SQS endpoint's receive+delete ceiling for N. */
export async function phaseS(run, world) {
  run.log(
    `\n== Phase S: scaling, ${run.options.events} events drained by ${run.options.scale.join(', ')} worker replica(s), and the SQS receive+delete ceiling`,
  );
  const runs = [];
  for (const replicas of run.options.scale) {
    await resetState(run);
    const queues = await createSystemQueuePair(run.sqs, `bench-prizes-scale-${replicas}`, PRIZES);
    const { events, expected } = makeEvents(world, run.options.events, `s${replicas}`);
    await sendAll(run, queues.queueUrl, events);
    const workers = await Promise.all(
      Array.from({ length: replicas }, (_, i) => spawnWorker(run, `worker-s${replicas}-${i + 1}`, queues.queueUrl)),
    );
    const drain = await measureDrain(run, workers[0], run.options.events);
    const peaks = [];
    for (const worker of workers) peaks.push(await stopProcess(run, worker));
    await verify(run, `S${replicas}`, expected, queues);
    run.log(
      `S: ${replicas} replica(s): ${drain.sustained.toFixed(0)} events/s sustained (${(drain.sustained / replicas).toFixed(0)} per replica); peak RSS ${peaks.map(mib).join(' / ')} MiB`,
    );
    runs.push({ replicas, sustained: drain.sustained, peakRss: Math.max(...peaks) });
    run.checkInterrupted();
  }
  const ceiling = await sqsCeiling(run, world);
  run.log(
    `S: SQS receive+delete ceiling: ${ceiling.toFixed(0)} messages/s (${run.options.ceilingLoops} loops of receive 10 → delete batch, no effect)`,
  );
  return { runs, ceiling };
}

/** Prefills N events and drains them with bare receive → delete loops: what this endpoint can hand out per second at most. */
async function sqsCeiling(run, world) {
  const queues = await createSystemQueuePair(run.sqs, 'bench-sqs-ceiling', PRIZES);
  await sendAll(run, queues.queueUrl, makeEvents(world, run.options.events, 'ceiling').events);
  let deleted = 0;
  const started = Date.now();
  const loop = async () => {
    let empty = 0;
    while (deleted < run.options.events && empty < 3) {
      const { Messages = [] } = await run.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 60,
        }),
      );
      if (Messages.length === 0) {
        empty += 1;
        continue;
      }
      await run.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queues.queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      deleted += Messages.length;
    }
  };
  await Promise.all(Array.from({ length: run.options.ceilingLoops }, loop));
  if (deleted < run.options.events)
    run.fail(`SQS ceiling: only ${deleted}/${run.options.events} messages received and deleted`);
  return deleted / ((Date.now() - started) / 1000);
}

/** Phase B: a fresh queue and worker; send at a fixed rate, latency = commit − send per event. */
export async function phaseB(run, world) {
  const total = run.options.pacedRate * run.options.pacedSeconds;
  run.log(
    `\n== Phase B: latency at ${run.options.pacedRate} events/s for ${run.options.pacedSeconds} s (${total} events)`,
  );
  await resetState(run);
  const queues = await createSystemQueuePair(run.sqs, 'bench-prizes-paced', PRIZES);
  const { events, expected } = makeEvents(world, total, 'b');
  const worker = await spawnWorker(run, 'worker-b', queues.queueUrl);
  await worker.waitReady; // measure steady state, not boot
  await sleep(500);

  const sentAt = new Map(); // eventId → Date.now() just before its SendMessageBatch
  const seenAt = new Map(); // eventId → when the bench's poll first saw the processed row
  const poller = pollCommits(run, seenAt, () => sentAt.size === total && seenAt.size >= total);
  const sendStart = Date.now();
  const batches = chunk(events, 10);
  const sends = [];
  for (let i = 0; i < batches.length; i += 1) {
    const dueAt = sendStart + (i * 10 * 1000) / run.options.pacedRate; // batch i is due at this instant
    const wait = dueAt - Date.now();
    if (wait > 0) await sleep(wait);
    const now = Date.now();
    for (const e of batches[i]) sentAt.set(e.eventId, now);
    sends.push(sendBatch(run, queues.queueUrl, batches[i]));
    if (run.interrupted) break;
  }
  await Promise.all(sends);
  const sendSeconds = (Date.now() - sendStart) / 1000;
  run.log(
    `sent ${total} events in ${sendSeconds.toFixed(1)} s (${(total / sendSeconds).toFixed(0)} events/s achieved)`,
  );
  await waitForCount(run, worker, total); // the backlog, if the worker fell behind, drains here
  await Promise.race([poller.done, sleep(1000)]); // let the poll see the last commits
  poller.stop();
  await poller.done;
  const pollPeriodMs = (Date.now() - poller.stats.startedAt) / poller.stats.polls;

  // processed_at is the DB clock (same machine as the bench). It defaults to CURRENT_TIMESTAMP,
  // i.e. the *start* of the worker's transaction, so this slightly understates send → commit;
  // the poll-based figure below is the matching upper bound.
  const { rows } = await run.db.query(
    `SELECT key, extract(epoch FROM processed_at::timestamptz) * 1000 AS at FROM processed_messages`,
  );
  const dbLatency = [];
  for (const { key, at } of rows) {
    const sent = sentAt.get(key.slice(KEY_PREFIX.length));
    if (sent !== undefined) dbLatency.push(Number(at) - sent);
  }
  const observed = [...seenAt].filter(([id]) => sentAt.has(id)).map(([id, at]) => at - sentAt.get(id));
  const peakRss = await stopProcess(run, worker);
  await verify(run, 'B', expected, queues);
  const latency = percentiles(dbLatency);
  const observedLatency = percentiles(observed);
  if (latency.min < -50)
    run.fail(`B: negative latencies (min ${latency.min} ms): clock or time zone mismatch between bench and Postgres`);
  report(run, 'B', { latency, observedLatency, pollPeriodMs, worker, peakRss, committed: dbLatency.length, total });
  return { latency, observedLatency, peakRss, achievedRate: total / sendSeconds, logs: worker.logs };
}

/** Phase C: the bare SQS + pg consumer drains phase A's events again, from a fresh state. */
export async function phaseC(run, { events, expected }) {
  run.log(`\n== Phase C: baseline (bare @aws-sdk/client-sqs + pg), the same ${run.options.events} events prefilled`);
  await resetState(run);
  const queues = await createSystemQueuePair(run.sqs, 'bench-prizes-baseline', PRIZES);
  await sendAll(run, queues.queueUrl, events);
  const baseline = spawnConsumer(run, 'baseline', [path.join(ROOT, 'scripts', 'bench', 'prizes-baseline.mjs')], {
    ...process.env,
    DATABASE_URL: run.databaseUrl,
    AWS_ENDPOINT_URL_SQS: run.fauxqs.endpoint,
    AWS_SQS_QUEUE_URL: queues.queueUrl,
    SQS_WAIT_TIME_SECONDS: '1',
  });
  const drain = await measureDrain(run, baseline, run.options.events);
  const peakRss = await stopProcess(run, baseline);
  const statsLine = baseline.logs.stdout.findLast((l) => l.startsWith('{"stats"'));
  const stats = statsLine ? JSON.parse(statsLine).stats : undefined;
  if (stats?.errors?.length) run.log(`baseline errors: ${stats.errors.slice(0, 5).join(' | ')}`);
  await verify(run, 'C', expected, queues);
  report(run, 'C', { drain, worker: baseline, peakRss });
  return { ...drain, peakRss, cpuMs: baseline.cpuMs, stats };
}
