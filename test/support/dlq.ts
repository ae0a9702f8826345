import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../apps/dlq/src/cli';

const DLQ_MAIN = path.resolve(__dirname, '../../dist/apps/dlq/src/main.js');

export interface DlqRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Settings every DLQ tool run gets: the test SQS endpoint, plus the queue settings given. */
export function dlqEnv(settings: Record<string, string> = {}): Record<string, string> {
  return { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SQS: process.env.TEST_SQS_ENDPOINT!, ...settings };
}

/** The DLQ tool's real command line, in this process (stdin is not a terminal). */
export async function runDlq(
  args: string[],
  settings: Record<string, string>,
  options: { tty?: boolean } = {},
): Promise<DlqRun> {
  const capture = () => {
    const stream = Object.assign(new PassThrough(), { isTTY: options.tty === true, columns: 100 });
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { stream, text: () => text };
  };
  const stdout = capture();
  const stderr = capture();
  const code = await runCli(args, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from([]),
    env: dlqEnv(settings),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The built tool (`npm run build`) as its own process, with exactly `env` (plus PATH). */
export function spawnDlq(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<DlqRun & { signal: NodeJS.Signals | null }> } {
  if (!existsSync(DLQ_MAIN)) throw new Error(`${DLQ_MAIN} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [DLQ_MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<DlqRun & { signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr })),
  );
  return { child, done };
}

/** AWS credentials of the test run, for a spawned tool. */
export const testCredentials = () => ({
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID!,
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY!,
});

/**
 * An HTTP proxy in front of the SQS endpoint that counts calls by action and never answers the
 * `holdFrom`-th call of `holdAction` (and later ones): a client caught between two calls, for
 * crash tests.
 */
export async function startSqsProxy(
  target: string,
  hold: { action: string; from: number },
): Promise<{ endpoint: string; calls: (action: string) => number; held: () => number; close(): Promise<void> }> {
  const calls = new Map<string, number>();
  let held = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
      const n = (calls.get(action) ?? 0) + 1;
      calls.set(action, n);
      if (action === hold.action && n >= hold.from) {
        held += 1;
        return; // never answered
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
      ) as Record<string, string>;
      fetch(`${target}${req.url ?? '/'}`, { method: req.method, headers, body: Buffer.concat(chunks) })
        .then(async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer());
          const out: Record<string, string> = {};
          answer.headers.forEach((value, key) => {
            if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(key))
              out[key] = value;
          });
          res.writeHead(answer.status, out).end(body);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: (action) => calls.get(action) ?? 0,
    held: () => held,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
