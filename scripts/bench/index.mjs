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
import { parseArgs } from 'node:util';
import { phaseA, phaseB, phaseC, phaseS } from './prizes/phases.mjs';
import { startOtlpSink, warnIfBuildStale } from './prizes/processes.mjs';
import { printSummary } from './prizes/report.mjs';
import { makeEvents, seed, USERS } from './prizes/workload.mjs';
import { createRun, ownDatabase, ownFauxqs, ownSqsClient } from './support.mjs';

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

function positiveInt(value, name) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a positive integer (got ${value})`);
    process.exit(2);
  }
  return n;
}

await main();
