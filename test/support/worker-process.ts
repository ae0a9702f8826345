import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { QueuePair, waitFor } from './sqs';
import { workerEnv } from './worker';

const MAIN = path.resolve(__dirname, '../../dist/apps/worker/src/main.js');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export interface WorkerProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** The built worker (`npm run build`) as its own process, as it runs in production; resolves once it is live. */
export async function spawnWorker(queues: QueuePair, overrides: Record<string, string> = {}): Promise<WorkerProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...workerEnv(queues, { LOG_LEVEL: 'info', PORT: String(port), ...overrides }), OTEL_SDK_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`worker exited during start-up:\n${output}`);
      return fetch(`http://127.0.0.1:${port}/health/live`).then((r) => r.ok, () => false);
    },
    { what: 'worker process to be live', timeoutMs: 30000 },
  );
  return { child, port, exited, output: () => output };
}
