// What every benchmark needs, written once: a run's context (what it started, what it found), the
// services it owns (fauxqs, a database, an SQS client), free ports, waiting, percentiles and the
// built apps as processes of their own. A run's state lives in its context, never in a module.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  backboneConnection,
  dropDatabase,
  localSqsClient,
  prepareDatabase,
  ROOT,
  startFauxqs,
} from '../local-services.mjs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Releases what a run started (its clean-up list), newest first; one that fails does not stop the rest. */
export async function releaseAll(owned) {
  for (const release of owned.splice(0).reverse()) {
    try {
      await release();
    } catch {
      // best effort: release the rest
    }
  }
}

/**
 * One benchmark run: created per run and handed to the helpers. `owned` is its clean-up list
 * (released newest first by `release()`), `failures` the failed checks (any makes the exit code
 * non-zero), `problems` what is worth knowing without failing the run; `interrupted` stops its loops.
 */
export function createRun({ log = console.log, logPrefix = 'dqb-bench-' } = {}) {
  const run = {
    log,
    logDir: fs.mkdtempSync(path.join(os.tmpdir(), logPrefix)),
    /** @type {(() => unknown)[]} */
    owned: [],
    /** @type {string[]} */
    failures: [],
    /** @type {string[]} */
    problems: [],
    interrupted: false,
    releasing: false,
    fail(message) {
      run.failures.push(message);
      console.error(`\n!!! BENCH CHECK FAILED: ${message}\n`);
    },
    problem(message) {
      run.problems.push(message);
      console.error(`\n!!! PROBLEM: ${message}\n`);
    },
    checkInterrupted() {
      if (run.interrupted) throw new Error('interrupted');
    },
    /** Releases everything the run started; afterwards, a process of the run exiting is expected. */
    async release() {
      run.releasing = true;
      await releaseAll(run.owned);
    },
  };
  return run;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  if (await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)])) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** A fauxqs process of the run's own, stopped when the run releases what it owns. */
export async function ownFauxqs(owned) {
  const fauxqs = await startFauxqs();
  owned.push(() => stopChild(fauxqs.process));
  return fauxqs;
}

/**
 * A fresh, migrated database `name` on the bench's Postgres server (`BENCH_DATABASE_BASE_URL`, or
 * `baseUrl`), and a pool on it: the pool is closed and the database dropped when the run releases them.
 */
export async function ownDatabase(owned, name, { baseUrl, max = 2 } = {}) {
  const server = baseUrl ?? process.env.BENCH_DATABASE_BASE_URL ?? 'postgresql://postgres@127.0.0.1:5432';
  const databaseUrl = `${server}/${name}`;
  owned.push(() => dropDatabase(databaseUrl));
  await prepareDatabase(databaseUrl, { recreate: true });
  const db = new pg.Pool({ ...backboneConnection(databaseUrl), max });
  owned.push(() => db.end());
  return { databaseUrl, db };
}

/** An SQS client for a local endpoint, destroyed when the run releases what it owns. */
export async function ownSqsClient(owned, endpoint) {
  const sqs = await localSqsClient(endpoint);
  owned.push(() => sqs.destroy());
  return sqs;
}

/** A TCP port nothing listens on right now (for a child process to take). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns something truthy (returned), or throws after `timeoutMs`. */
export async function until(probe, timeoutMs, what, everyMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Nearest-rank percentiles of a list of numbers (NaN when empty). */
export function percentiles(values) {
  if (values.length === 0) return { count: 0, min: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { count: sorted.length, min: sorted[0], p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) };
}

/**
 * A built app (`dist/apps/<app>`) as its own process on a free port, resolved once it is live.
 * Its output goes to `logFile` when given, else its last 20 kB are kept for error messages. The
 * way to stop it (SIGTERM, then wait for the exit) is pushed onto `owned`, the run's clean-up list.
 */
export async function spawnApp(app, env, { owned, logFile, liveWithinMs = 30_000 }) {
  const main = path.join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const out = logFile ? fs.openSync(logFile, 'w') : 'pipe';
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', out, out],
  });
  let tail = '';
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (d) => (tail = `${tail}${d}`.slice(-20_000)));
  const output = () => (logFile ? `see ${logFile}` : tail);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  owned.push(stop);
  const url = `http://127.0.0.1:${port}`;
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`${app} exited during start-up: ${output()}`);
      return fetch(`${url}/health/live`).then(
        (r) => r.ok,
        () => false,
      );
    },
    liveWithinMs,
    `${app} to be live`,
    100,
  );
  return { url, child, stop, output };
}
