// The processes a prize phase measures (the worker and the bare baseline): spawned from dist/,
// their output teed to a log file and counted, RSS and CPU read from /proc, readiness, stop; and the
// stand-in OTLP collector the worker exports to.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ROOT } from '../../local-services.mjs';
import { freePort, sleep, stopChild } from '../support.mjs';

/** `node scripts/bench.mjs` runs whatever is in dist/: warn when sources are newer than the build. */
export function warnIfBuildStale(run) {
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

export async function spawnWorker(run, name, queueUrl) {
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
    ...workerEnvOverrides(run),
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
export function spawnConsumer(run, name, args, env) {
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
export async function stopProcess(run, proc) {
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
export function procCpuMs(pid) {
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
export async function startOtlpSink() {
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
