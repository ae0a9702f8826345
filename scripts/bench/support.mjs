// What every benchmark needs, written once: free ports, waiting, percentiles and the built apps
// as processes of their own.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from '../local-services.mjs';

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
