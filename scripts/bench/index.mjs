// Benchmark of the prize worker against fauxqs and a local Postgres.
//
//   npm run bench -- [--only prize,campaigns,relay] [--events N] [--paced-rate R] [--paced-seconds S] [--skip-baseline] [--workers W] [--scale 1,2,4]
//
// Three systems, each against its own goals (all by default): the prize worker (phases C, A, B
// below), campaign channels (scripts/bench/campaigns.mjs: acknowledgement latency, campaign end to
// end) and the message relay (scripts/bench/relay.mjs: API drain against a bare pg loop, latency).
//
// Phase C  baseline: a bare SQS + pg consumer (scripts/bench/prizes-baseline.mjs) drains N prefilled events.
// Phase A  sustained throughput: the same N events prefilled, then the real worker process drains them.
// Phase B  latency at a paced load: R events/s (default: half the baseline's sustained rate, so the
//          figure means the same on a slower or faster machine; 500 with --skip-baseline) for S
//          seconds into a fresh queue, send → commit.
// Phase S  scaling: the same N events drained by 1, 2 and 4 worker replicas (--scale; `--scale none`
//          skips it) on one fauxqs and one Postgres, beside the SQS endpoint's own receive+delete
//          ceiling measured in the same run: bare loops that only receive and delete, no effect.
// Every phase checks its effects (idempotency rows, holdings, pending ownerships, empty queues);
// a failed check makes the exit code non-zero. Performance targets are reported, not asserted.
//
// BENCH_WORKER_ENV_<NAME>=value is passed to the worker as <NAME>=value (e.g. concurrency knobs,
// BENCH_WORKER_ENV_OTEL_SDK_DISABLED=true). BENCH_DATABASE_BASE_URL overrides the Postgres server.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { createSystemQueuePair, ROOT } from '../local-services.mjs';
import {
  createRun,
  freePort,
  ownDatabase,
  ownFauxqs,
  ownSqsClient,
  percentiles,
  sleep,
  stopChild,
} from './support.mjs';

// Issue 11's goals, each against the baseline measured in the same run.
const TARGETS = { ratio: 1.0, cpuRatio: 1.1, p99Ms: 100, rssMiB: 200 };
const GUILD_ID = '100000000000000001';
const USERS = 1000; // linked accounts
const UNLINKED = 200; // Discord ids without a user: their grants become pending ownerships
const KEY_PREFIX = 'prize-distribution:event:';
const STALL_MS = 30_000; // a drain that makes no progress this long is reported as failed
const PRIZES = 'prize-distribution'; // the queue table's queue the bench's queues are shaped as

/** The command line, checked: what a run measures. */
function parseOptions(args = process.argv.slice(2)) {
  const { values: flags } = parseArgs({
    args,
    options: {
      events: { type: 'string', default: '20000' },
      'paced-rate': { type: 'string' },
      'paced-seconds': { type: 'string', default: '20' },
      'skip-baseline': { type: 'boolean', default: false },
      // Worker processes draining phase A together (replicas of the deployment); phase B uses one.
      workers: { type: 'string', default: '1' },
      // Replica counts of phase S, or `none`.
      scale: { type: 'string', default: '1,2,4' },
      only: { type: 'string', default: 'prize,campaigns,relay' },
    },
  });
  const systems = new Set(flags.only.split(',').map((s) => s.trim()));
  for (const system of systems)
    if (!['prize', 'campaigns', 'relay'].includes(system))
      throw new Error(`--only: unknown system "${system}" (prize, campaigns, relay)`);
  const fixedPacedRate =
    flags['paced-rate'] === undefined ? undefined : positiveInt(flags['paced-rate'], '--paced-rate');
  const scale = flags.scale === 'none' ? [] : flags.scale.split(',').map((n) => positiveInt(n.trim(), '--scale'));
  return {
    systems,
    events: positiveInt(flags.events, '--events'),
    fixedPacedRate,
    // Phase B's rate: fixed, or half the baseline's once phase C has measured it.
    pacedRate: fixedPacedRate ?? 500,
    pacedSeconds: positiveInt(flags['paced-seconds'], '--paced-seconds'),
    skipBaseline: flags['skip-baseline'],
    workers: positiveInt(flags.workers, '--workers'),
    scale,
    /** Receive loops of the SQS ceiling: as many receives in flight as the largest replica count's workers keep (SQS_CONCURRENCY 4 each). */
    ceilingLoops: 4 * Math.max(1, ...scale),
  };
}

// ---------------------------------------------------------------------------------------------
// Main flow
// ---------------------------------------------------------------------------------------------

/**
 * One run: its context (support.mjs's createRun) carries the options, the services it started
 * (fauxqs, the database, the SQS client, the OTLP sink) and its failures; every helper below takes it.
 */
async function main() {
  const run = Object.assign(createRun(), { options: parseOptions() });
  process.once('SIGINT', () => {
    run.interrupted = true;
    console.error('\nInterrupted: cleaning up…');
  });
  try {
    run.fauxqs = await ownFauxqs(run.owned);
    run.fauxqs.process.once('exit', (code, signal) => {
      if (!run.releasing) run.fail(`fauxqs exited unexpectedly (code ${code}, signal ${signal})`);
    });
    // A stand-in OTLP/HTTP collector: the worker exports its traces as in production.
    run.otlp = await startOtlpSink();
    run.owned.push(() => run.otlp.server.close());
    run.sqs = await ownSqsClient(run.owned, run.fauxqs.endpoint);
    run.log(`fauxqs at ${run.fauxqs.endpoint}; creating the database dqb_bench`);
    Object.assign(run, await ownDatabase(run.owned, 'dqb_bench', { max: 4 }));
    const world = await seed(run.db);
    run.log(`seeded 1 community, 2 item types, ${USERS} linked users; worker logs in ${run.logDir}`);

    warnIfBuildStale(run);
    const { options } = run;
    const results = {};
    if (options.systems.has('prize')) {
      const workload = makeEvents(world, options.events, 'a');
      if (!options.skipBaseline) {
        results.c = await phaseC(run, workload);
        run.checkInterrupted();
        if (options.fixedPacedRate === undefined)
          options.pacedRate = Math.max(10, Math.round(results.c.sustained / 2 / 10) * 10);
      }
      results.a = await phaseA(run, workload);
      run.checkInterrupted();
      results.b = await phaseB(run, world);
      run.checkInterrupted();
      if (options.scale.length > 0) results.s = await phaseS(run, world);
      run.checkInterrupted();
      printSummary(run, results);
    }
    if (options.systems.has('campaigns')) {
      run.log('\n== Campaign channels (scripts/bench/campaigns.mjs)');
      const { benchCampaigns } = await import('./campaigns.mjs');
      await benchCampaigns({ log: run.log, fauxqsEndpoint: run.fauxqs.endpoint }).catch((error) =>
        run.fail(`campaigns: ${error.message}`),
      );
      run.checkInterrupted();
    }
    if (options.systems.has('relay')) {
      run.log('\n== Message relay (scripts/bench/relay.mjs)');
      const { runRelayBench } = await import('./relay.mjs');
      const relay = await runRelayBench({ log: run.log });
      for (const failure of relay.failures) run.fail(`relay: ${failure}`);
    }
  } catch (error) {
    run.fail(`benchmark aborted: ${error?.stack ?? error}`);
  } finally {
    // Stops every process the run started (SIGTERM, then SIGKILL), closes its clients, drops the database.
    await run.release();
  }

  if (run.failures.length > 0) {
    console.error(`\n!!!!!!!!!! BENCH FAILED: ${run.failures.length} check(s) failed !!!!!!!!!!`);
    for (const f of run.failures) console.error(`  ✗ ${f}`);
    process.exit(1);
  }
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Phases
// ---------------------------------------------------------------------------------------------

/** Phase A: prefill the N events (--events), then start the worker and time the drain. */
async function phaseA(run, { events, expected }) {
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
async function phaseS(run, world) {
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
async function phaseB(run, world) {
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
async function phaseC(run, { events, expected }) {
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

// ---------------------------------------------------------------------------------------------
// Seed data and events
// ---------------------------------------------------------------------------------------------

async function seed(pool) {
  const communityId = randomUUID();
  const stackableId = randomUUID();
  const uniqueId = randomUUID();
  await pool.query('INSERT INTO communities (id, name, discord_guild_id) VALUES ($1, $2, $3)', [
    communityId,
    'Bench Guild',
    GUILD_ID,
  ]);
  await pool.query(
    'INSERT INTO item_types (id, community_id, name, stackable) VALUES ($1, $3, $4, true), ($2, $3, $5, false)',
    [stackableId, uniqueId, communityId, 'Gold', 'Sword'],
  );
  const users = Array.from({ length: USERS }, (_, i) => ({ id: randomUUID(), discordUserId: snowflake(2, i) }));
  await pool.query(
    'INSERT INTO users (id, username, discord_user_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])',
    [users.map((u) => u.id), users.map((_, i) => `bench-user-${i}`), users.map((u) => u.discordUserId)],
  );
  const unlinked = Array.from({ length: UNLINKED }, (_, i) => snowflake(3, i));
  return { communityId, stackableId, uniqueId, users, unlinked };
}

/** 18-digit Discord-style id: a leading digit per population, then a zero-padded index. */
function snowflake(lead, i) {
  return `${lead}${String(i).padStart(17, '0')}`;
}

/**
 * ITEM_AWARDED events with unique eventIds — 85 % stackable to linked users, 10 % to unlinked
 * ids (pending), 5 % non-stackable to linked users — and the effects they must have.
 */
function makeEvents(world, count, phase) {
  const expected = { processed: count, stacks: new Map(), unitRows: 0, pendingRows: 0, pendingQty: 0 };
  const events = [];
  for (let i = 0; i < count; i += 1) {
    const r = Math.random();
    const event = {
      eventType: 'ITEM_AWARDED',
      discordGuildId: GUILD_ID,
      eventId: `bench-${phase}-${i}-${randomUUID()}`,
    };
    if (r < 0.85) {
      const user = pick(world.users);
      Object.assign(event, {
        discordUserId: user.discordUserId,
        itemTypeId: world.stackableId,
        quantity: 1 + randInt(10),
      });
      const key = `${user.id}:${world.stackableId}`;
      expected.stacks.set(key, (expected.stacks.get(key) ?? 0) + event.quantity);
    } else if (r < 0.95) {
      const itemTypeId = Math.random() < 0.7 ? world.stackableId : world.uniqueId;
      Object.assign(event, { discordUserId: pick(world.unlinked), itemTypeId, quantity: 1 + randInt(5) });
      expected.pendingRows += 1;
      expected.pendingQty += event.quantity;
    } else {
      Object.assign(event, {
        discordUserId: pick(world.users).discordUserId,
        itemTypeId: world.uniqueId,
        quantity: 1 + randInt(3),
      });
      expected.unitRows += event.quantity;
    }
    events.push(event);
  }
  return { events, expected };
}

// ---------------------------------------------------------------------------------------------
// SQS helpers
// ---------------------------------------------------------------------------------------------

/** Prefills a queue: batches of 10, 16 SendMessageBatch calls in flight. */
async function sendAll(run, queueUrl, events) {
  const batches = chunk(events, 10);
  let next = 0;
  const lane = async () => {
    while (next < batches.length) await sendBatch(run, queueUrl, batches[next++]);
  };
  await Promise.all(Array.from({ length: 16 }, lane));
}

/** One SendMessageBatch; entries the server reports as failed are resent (a few times). */
async function sendBatch(run, queueUrl, events) {
  let entries = events.map((e, i) => ({ Id: String(i), MessageBody: JSON.stringify(e) }));
  for (let attempt = 0; entries.length > 0; attempt += 1) {
    if (attempt === 5) throw new Error(`SendMessageBatch kept failing for ${entries.length} entries`);
    const { Failed = [] } = await run.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    const failed = new Set(Failed.map((f) => f.Id));
    entries = entries.filter((e) => failed.has(e.Id));
  }
}

async function queueDepth(run, queueUrl) {
  const { Attributes = {} } = await run.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Consumer processes (worker and baseline): spawn, logs, RSS, readiness, stop
// ---------------------------------------------------------------------------------------------

/** `node scripts/bench.mjs` runs whatever is in dist/: warn when sources are newer than the build. */
function warnIfBuildStale(run) {
  const main = path.join(ROOT, 'dist', 'apps', 'worker', 'src', 'main.js');
  if (!fs.existsSync(main))
    throw new Error('dist/apps/worker/src/main.js is missing: run `npm run build` (or `npm run bench`)');
  const built = fs.statSync(main).mtimeMs;
  const newer = ['apps/worker/src', 'libs']
    .flatMap((dir) => fs.readdirSync(path.join(ROOT, dir), { recursive: true }).map((f) => path.join(ROOT, dir, f)))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && fs.statSync(f).mtimeMs > built);
  if (newer.length > 0)
    run.problem(
      `dist/ is older than ${newer.length} source file(s) (e.g. ${path.relative(ROOT, newer[0])}): the worker benchmarked may be stale; run \`npm run build\``,
    );
}

async function spawnWorker(run, name, queueUrl) {
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: run.databaseUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SQS: run.fauxqs.endpoint,
    WORKER_CONSUMERS: 'prize-distribution',
    AWS_SQS_QUEUE_URL: queueUrl,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    SQS_BATCH_SIZE: '10',
    SQS_WAIT_TIME_SECONDS: '1',
    OTEL_EXPORTER_OTLP_ENDPOINT: run.otlp.url,
    ...workerEnvOverrides(),
  };
  if (!('AWS_SQS_DLQ_URL' in workerEnvOverrides(run, false))) delete env.AWS_SQS_DLQ_URL; // found via the redrive policy
  const worker = spawnConsumer(run, name, [path.join(ROOT, 'dist', 'apps', 'worker', 'src', 'main.js')], env);
  worker.waitReady = waitHttpReady(worker, port);
  worker.waitReady.catch(() => {}); // awaited by the phases that need it
  return worker;
}

/** BENCH_WORKER_ENV_FOO=bar → FOO=bar for the worker. */
function workerEnvOverrides(run, verbose = true) {
  const prefix = 'BENCH_WORKER_ENV_';
  const out = {};
  for (const [k, v] of Object.entries(process.env))
    if (k.startsWith(prefix) && k.length > prefix.length) out[k.slice(prefix.length)] = v;
  if (verbose && Object.keys(out).length > 0)
    run.log(
      `worker env overrides: ${Object.entries(out)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
  return out;
}

/** Spawns a Node process, tees its output to a log file, tracks warnings/errors and RSS. */
function spawnConsumer(run, name, args, env) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  run.owned.push(() => stopChild(child));
  const logPath = path.join(run.logDir, `${name}.log`);
  const file = fs.createWriteStream(logPath);
  const proc = {
    name,
    child,
    logPath,
    startedAt: Date.now(),
    exited: false,
    logs: { warn: 0, error: 0, stderr: 0, samples: [], stdout: [] },
    rss: { sampledMaxKiB: 0 },
  };
  const onLine = (stream) => (line) => {
    file.write(`${line}\n`);
    if (stream === 'stdout' && proc.logs.stdout.length < 1000) proc.logs.stdout.push(line);
    let level;
    try {
      level = JSON.parse(line).level; // pino: 40 warn, 50 error, 60 fatal
    } catch {
      level = undefined;
    }
    if (level >= 50) proc.logs.error += 1;
    else if (level >= 40) proc.logs.warn += 1;
    else if (stream === 'stderr' && line.trim()) proc.logs.stderr += 1;
    else return;
    if (proc.logs.samples.length < 10) proc.logs.samples.push(line.slice(0, 400));
  };
  splitLines(child.stdout, onLine('stdout'));
  splitLines(child.stderr, onLine('stderr'));
  proc.exitPromise = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      proc.exited = true;
      proc.exitCode = code;
      proc.exitSignal = signal;
      clearInterval(sampler);
      file.end();
      resolve();
    }),
  );
  // VmRSS sampled every 250 ms; VmHWM (the kernel's peak) is read once more just before stopping.
  const sampler = setInterval(() => {
    const status = procStatus(child.pid);
    if (status?.VmRSS) proc.rss.sampledMaxKiB = Math.max(proc.rss.sampledMaxKiB, status.VmRSS);
  }, 250);
  return proc;
}

/** Resolves once GET /health/live answers 200; rejects if the process exits first. */
async function waitHttpReady(proc, port) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exited)
      throw new Error(`${proc.name} exited (code ${proc.exitCode}) before it was ready; see ${proc.logPath}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) {
        proc.readyAt = Date.now();
        proc.rss.atReadyKiB = procStatus(proc.child.pid)?.VmRSS;
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${proc.name} not ready after 60 s; see ${proc.logPath}`);
}

/** SIGTERM, then SIGKILL after 15 s; returns the peak RSS (VmHWM) in KiB read before the signal. */
async function stopProcess(run, proc) {
  const status = procStatus(proc.child.pid);
  const peak = Math.max(status?.VmHWM ?? 0, proc.rss.sampledMaxKiB);
  proc.cpuMs = procCpuMs(proc.child.pid);
  proc.stoppedAt = Date.now();
  if (!proc.exited) {
    const signalledAt = Date.now();
    proc.child.kill('SIGTERM');
    const killed = await Promise.race([proc.exitPromise.then(() => false), sleep(15_000).then(() => true)]);
    if (killed) {
      run.problem(`${proc.name} did not exit within 15 s of SIGTERM; killed`);
      proc.child.kill('SIGKILL');
      await proc.exitPromise;
    }
    proc.shutdownMs = Date.now() - signalledAt;
    if (!killed && proc.exitCode !== 0) {
      run.problem(
        `${proc.name} exited with code ${proc.exitCode ?? proc.exitSignal} after SIGTERM; see ${proc.logPath}`,
      );
    }
  } else if (!proc.exitReported) {
    run.fail(`${proc.name} had exited on its own (code ${proc.exitCode ?? proc.exitSignal}); see ${proc.logPath}`);
  }
  return peak;
}

/** User + system CPU time of a process in ms (from /proc/<pid>/stat, in clock ticks of 10 ms). */
function procCpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14 and 15)
  } catch {
    return undefined;
  }
}

function procStatus(pid) {
  try {
    const out = {};
    for (const line of fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const m = /^(VmRSS|VmHWM):\s+(\d+) kB/.exec(line);
      if (m) out[m[1]] = Number(m[2]);
    }
    return out;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

/** Polls the processed count every 100 ms until it reaches n, the consumer stalls or dies. */
async function waitForCount(run, proc, n) {
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
async function measureDrain(run, proc, n) {
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
function pollCommits(run, seenAt, finished) {
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

// ---------------------------------------------------------------------------------------------
// Correctness checks
// ---------------------------------------------------------------------------------------------

/** Effects in the database equal the expected ones; source queue and DLQ are empty. */
async function verify(run, phase, expected, queues) {
  const before = run.failures.length;
  const processed = Number((await run.db.query('SELECT count(*) AS c FROM processed_messages')).rows[0].c);
  if (processed !== expected.processed)
    run.fail(`${phase}: processed_messages has ${processed} rows, expected ${expected.processed}`);

  // Stackable: one row per user and type, quantity = sum of that user's grants.
  const { rows: stacks } = await run.db.query(
    'SELECT stack_key, quantity FROM item_holdings WHERE stack_key IS NOT NULL',
  );
  const actual = new Map(stacks.map((r) => [r.stack_key, r.quantity]));
  let wrong = 0;
  for (const [key, qty] of expected.stacks) if (actual.get(key) !== qty) wrong += 1;
  for (const key of actual.keys()) if (!expected.stacks.has(key)) wrong += 1;
  const sumExpected = [...expected.stacks.values()].reduce((a, b) => a + b, 0);
  const sumActual = stacks.reduce((a, r) => a + r.quantity, 0);
  if (wrong > 0)
    run.fail(
      `${phase}: ${wrong} stackable holdings differ from what was sent (sum ${sumActual}, expected ${sumExpected})`,
    );

  // Non-stackable: one row of quantity 1 per unit.
  const units = (
    await run.db.query(
      'SELECT count(*) AS c, coalesce(sum(quantity), 0) AS q FROM item_holdings WHERE stack_key IS NULL',
    )
  ).rows[0];
  if (Number(units.c) !== expected.unitRows || Number(units.q) !== expected.unitRows) {
    run.fail(`${phase}: non-stackable holdings ${units.c} rows / quantity ${units.q}, expected ${expected.unitRows}`);
  }
  // Unlinked accounts: one pending ownership per grant.
  const pending = (await run.db.query('SELECT count(*) AS c, coalesce(sum(quantity), 0) AS q FROM pending_ownerships'))
    .rows[0];
  if (Number(pending.c) !== expected.pendingRows || Number(pending.q) !== expected.pendingQty) {
    run.fail(
      `${phase}: pending ownerships ${pending.c} rows / quantity ${pending.q}, expected ${expected.pendingRows} / ${expected.pendingQty}`,
    );
  }

  // Queues: source drained (deletes may lag the commits slightly) and nothing dead-lettered.
  let source = await queueDepth(run, queues.queueUrl);
  for (let i = 0; i < 50 && source.visible + source.inFlight + source.delayed > 0; i += 1) {
    await sleep(200);
    source = await queueDepth(run, queues.queueUrl);
  }
  if (source.visible + source.inFlight + source.delayed > 0)
    run.fail(`${phase}: source queue not empty: ${JSON.stringify(source)}`);
  const dlq = await queueDepth(run, queues.dlqUrl);
  if (dlq.visible + dlq.inFlight + dlq.delayed > 0) run.fail(`${phase}: DLQ not empty: ${JSON.stringify(dlq)}`);

  const total = sumActual + Number(units.q) + Number(pending.q);
  run.log(
    `${phase}: checks ${run.failures.length === before ? 'passed' : 'FAILED'} (processed ${processed}, items granted ${total})`,
  );
}

async function resetState(run) {
  await run.db.query('TRUNCATE processed_messages, item_holdings, pending_ownerships');
}

// ---------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------

function report(run, phase, { drain, latency, observedLatency, pollPeriodMs, worker, peakRss, committed, total }) {
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

function printSummary(run, { a, b, c, s }) {
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
const mib = (kib) => (kib / 1024).toFixed(0);

// ---------------------------------------------------------------------------------------------
// Clean-up and small helpers
// ---------------------------------------------------------------------------------------------

function positiveInt(value, name) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a positive integer (got ${value})`);
    process.exit(2);
  }
  return n;
}

function splitLines(stream, onLine) {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (data) => {
    buffer += data;
    let i;
    while ((i = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
    }
  });
  stream.on('end', () => buffer && onLine(buffer));
}

/** Accepts OTLP/HTTP exports (traces, metrics) and discards them, counting requests. */
async function startOtlpSink() {
  const stats = { requests: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    req.on('data', (chunk) => (stats.bytes += chunk.length));
    req.on('end', () => {
      stats.requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, stats, url: `http://127.0.0.1:${server.address().port}` };
}

function chunk(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const pick = (items) => items[randInt(items.length)];
const randInt = (n) => Math.floor(Math.random() * n);

await main();
