import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { QueuePair, waitFor } from './sqs';
import { workerEnv } from './worker';

const mainOf = (app: 'api' | 'worker') => path.resolve(__dirname, `../../dist/apps/${app}/src/main.js`);

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
export function spawnWorker(queues: QueuePair, overrides: Record<string, string> = {}): Promise<WorkerProcess> {
  return spawnApp('worker', { ...workerEnv(queues, { LOG_LEVEL: 'info', ...overrides }), OTEL_SDK_DISABLED: 'true' });
}

/** A built app as its own process with exactly these settings (plus a free PORT); resolves once it is live. */
export async function spawnApp(app: 'api' | 'worker', env: Record<string, string>): Promise<WorkerProcess> {
  const main = mainOf(app);
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, ...env, PORT: String(port) },
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
      if (child.exitCode !== null) throw new Error(`${app} exited during start-up:\n${output}`);
      return fetch(`http://127.0.0.1:${port}/health/live`).then(
        (r) => r.ok,
        () => false,
      );
    },
    { what: `${app} process to be live`, timeoutMs: 30000 },
  );
  return { child, port, exited, output: () => output };
}
