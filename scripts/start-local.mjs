// `npm start`: the whole system on this machine with embedded defaults — Postgres database
// created and migrated, a fauxqs SQS endpoint with every queue and its DLQ (prize, Discord,
// backend responses, bot operations FIFO, campaign FIFO: the queue table's; unless the prize
// queue's URL points elsewhere), then the API (:3000) and the worker (:3001).
// Without a DISCORD_BOT_TOKEN, Discord is played by the local Discord stand-in (:3002, NOT Discord:
// tools/discord-standin), as fauxqs plays SQS: every consumer, the interactions endpoint (its
// public key), the slash commands (registered there) and the message relay (a demo backend bot)
// run against it, and its page shows what the bot did. With a DISCORD_BOT_TOKEN the apps talk to
// Discord (or DISCORD_API_BASE_URL); DISCORD_PUBLIC_KEY then turns on the interactions endpoint and
// RELAY_CONFIG the message relay. These local defaults are refused with NODE_ENV=production,
// queues or a database that are not local. Ctrl-C / SIGTERM stops the apps (draining), then the local services.
//   --fresh            recreate the database first (the stand-in and fauxqs start empty anyway);
//                      only one on this machine, never with NODE_ENV=production
//   --workers N        N worker replicas on the same queues and database, each with its own ports
//   --consumers LIST   the workers' consumers (WORKER_CONSUMERS)
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createLocalQueues,
  LOCAL_DATABASE_URL,
  LOCAL_ENV_FILE,
  localSqsClient,
  prepareDatabase,
  queueLocationSettings,
  queueTable,
  removeLocalEnv,
  ROOT,
  startFauxqs,
  writeLocalEnv,
} from './local-services.mjs';
import { localApiKey, localRelayConfig, localSecret } from './start-local/local-files.mjs';
import { refuseFreshElsewhere, refuseLocalDefaultsOutsideThisMachine } from './start-local/refusals.mjs';
import { startStandin } from './start-local/standin.mjs';
import { telemetryOffWithoutCollector } from './start-local/telemetry.mjs';

const { values: options } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
    consumers: { type: 'string' },
  },
});
const workerCount = Number(options.workers);
if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > 20) {
  console.error('--workers must be a whole number from 1 to 20');
  process.exit(2);
}

const env = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  DATABASE_URL: LOCAL_DATABASE_URL,
  ...process.env,
  ...(options.consumers === undefined ? {} : { WORKER_CONSUMERS: options.consumers }),
};
const ports = {
  api: Number(env.API_PORT ?? 3000),
  worker: Number(env.WORKER_PORT ?? 3001),
  standin: Number(env.DISCORD_STANDIN_PORT ?? 3002),
  fauxqs: Number(env.FAUXQS_PORT ?? 4566),
};
/** Where the apps run: name, process, HTTP port, Prometheus port (when exported so). */
const apps = [];
let fauxqsProcess;
let standinProcess;
let standinPage;
const log = (msg, extra = {}, level = 30) =>
  console.log(JSON.stringify({ level, time: Date.now(), name: 'start-local', msg, ...extra }));
const logError = (msg, extra) => log(msg, extra, 50);

/** Settings that locate a queue (under every name the apps read) or the SQS endpoint: local ones keep npm start's defaults allowed. */
const QUEUE_SETTINGS = await queueLocationSettings();
const SQS_SETTINGS = ['AWS_ENDPOINT_URL_SQS', 'AWS_ENDPOINT_URL', ...QUEUE_SETTINGS];
/** The prize queue's URL settings: given any of them, npm start uses the queues it is given. */
const { queueSettingNames } = await queueTable();
const PRIZE_QUEUE_URL = queueSettingNames('prize-distribution', 'queueUrl');
const prizeQueueGiven = () => PRIZE_QUEUE_URL.some((name) => env[name]);

async function main() {
  refuseLocalDefaultsOutsideThisMachine(env, {
    sqsSettings: SQS_SETTINGS,
    prizeQueueUrl: PRIZE_QUEUE_URL,
    prizeQueueGiven: prizeQueueGiven(),
  });
  refuseFreshElsewhere(env, options.fresh);
  await prepareDatabase(env.DATABASE_URL, { recreate: options.fresh });
  log(options.fresh ? 'Database recreated (--fresh) and migrated' : 'Database ready (migrations applied)', {
    database: new URL(env.DATABASE_URL).pathname.slice(1),
  });

  if (!prizeQueueGiven()) {
    const fauxqs = await startFauxqs({ port: ports.fauxqs, ignoreSigint: true });
    fauxqsProcess = fauxqs.process;
    const sqs = await localSqsClient(fauxqs.endpoint, env.AWS_REGION);
    const queues = await createLocalQueues(sqs);
    sqs.destroy();
    // The local queues replace any other queue setting (under an older name too, which would otherwise contradict them).
    for (const name of QUEUE_SETTINGS) delete env[name];
    Object.assign(env, {
      AWS_ENDPOINT_URL_SQS: fauxqs.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ...queues,
    });
    log('Local SQS endpoint (fauxqs) ready', { endpoint: fauxqs.endpoint, queues });
  }
  await telemetryOffWithoutCollector(env, log);
  if (!env.API_KEYS && !env.API_ADMIN_KEYS && env.API_AUTH !== 'disabled') {
    env.API_ADMIN_KEYS = localApiKey(ports.api);
  }
  const consumersChosen = Boolean(env.WORKER_CONSUMERS);
  if (!env.DISCORD_BOT_TOKEN) await useDiscordStandin(consumersChosen);
  // The message relay runs when its configuration file is given (its bots have their own tokens).
  if (env.RELAY_CONFIG && !consumersChosen && !env.WORKER_CONSUMERS?.split(',').includes('relay')) {
    env.WORKER_CONSUMERS = `${env.WORKER_CONSUMERS ?? 'prize-distribution,discord,bot-operations,campaign'},relay`;
    log("RELAY_CONFIG given: the worker connects the relay's Discord bots, the API serves /v1 to its backend bots", {
      config: env.RELAY_CONFIG,
    });
  }

  // Ctrl-C while the stand-in was being prepared: stop() has already run; start nothing more.
  if (stopping) return;
  const metrics =
    env.OTEL_METRICS_EXPORTER === 'prometheus' ? Number(env.OTEL_EXPORTER_PROMETHEUS_PORT ?? 9464) : undefined;
  const workerPorts = replicaPorts(ports.worker, workerCount, new Set([ports.api, ports.standin, ports.fauxqs]));
  const plan = [
    { name: 'api', port: ports.api },
    ...workerPorts.map((port, i) => ({ name: workerCount === 1 ? 'worker' : `worker-${i + 1}`, port })),
  ].map((app, i) => ({ ...app, metricsPort: metrics === undefined ? undefined : metrics + i }));
  for (const app of plan) startApp(app);
  await Promise.all(apps.map((app) => waitReady(app)));
  if (stopping) return;
  const started = {
    api: `http://127.0.0.1:${ports.api}`,
    ...Object.fromEntries(
      apps.filter((a) => a.name !== 'api').map((a) => [a.name, `http://127.0.0.1:${a.port}/health/ready`]),
    ),
    ...(metrics === undefined
      ? {}
      : { metrics: Object.fromEntries(apps.map((a) => [a.name, `http://127.0.0.1:${a.metricsPort}/metrics`])) }),
    ...(standinPage ? { discordStandin: `${standinPage} (NOT Discord)` } : {}),
    secondShell: `${path.relative(ROOT, LOCAL_ENV_FILE)} (read by npm run dlq, relay and demo)`,
  };
  writeSecondShellSettings();
  log('Started', started);
}

/** Further workers take the next free ports after the first (skipping the API's, the stand-in's, fauxqs'). */
function replicaPorts(first, count, taken) {
  const result = [];
  for (let port = first; result.length < count; port += 1) if (!taken.has(port)) result.push(port);
  return result;
}

function startApp({ name, port, metricsPort }) {
  const main = path.join(ROOT, 'dist', 'apps', name === 'api' ? 'api' : 'worker', 'src', 'main.js');
  const child = spawn(process.execPath, [main], {
    env: {
      ...env,
      PORT: String(port),
      OTEL_SERVICE_NAME: name === 'api' ? 'api' : 'worker',
      ...(metricsPort === undefined ? {} : { OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort) }),
    },
    stdio: 'inherit',
  });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      logError(`${name} exited unexpectedly`, { code, signal });
      void stop(1);
    }
  });
  apps.push({ name, port, metricsPort, process: child });
}

/** Resolves once the app's /health/ready answers 200 (it has started listening and its dependencies are up). */
async function waitReady(app, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!stopping && Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${app.port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!stopping) {
    logError(`${app.name} did not become ready within ${timeoutMs / 1000} s`, {
      ready: `http://127.0.0.1:${app.port}/health/ready`,
    });
    await stop(1);
  }
}

/**
 * What a second shell needs to reach what runs here: the database, the SQS endpoint and every
 * queue with its DLQ, the API and the relay's demo backend key. Git-ignored, this user's only.
 */
function writeSecondShellSettings() {
  const local = env.AWS_ENDPOINT_URL_SQS && fauxqsProcess;
  writeLocalEnv(
    {
      DATABASE_URL: env.DATABASE_URL,
      ...(local
        ? {
            AWS_REGION: env.AWS_REGION,
            AWS_ACCESS_KEY_ID: 'local',
            AWS_SECRET_ACCESS_KEY: 'local',
            ...Object.fromEntries(SQS_SETTINGS.filter((name) => env[name]).map((name) => [name, env[name]])),
          }
        : {}),
      API_URL: `http://127.0.0.1:${ports.api}`,
      RELAY_URL: `http://127.0.0.1:${ports.api}`,
      RELAY_API_KEY: env.RELAY_DEMO_BACKEND_KEY,
      DISCORD_STANDIN_URL: standinPage,
    },
    process.pid,
  );
}

/**
 * No bot token: the local Discord stand-in plays Discord. It gets a bot token made for this run,
 * the apps get its address and its application's public key, the slash commands are registered in
 * its demo server (the deploy step `npm run discord:commands`), and the message relay gets a
 * configuration with one demo backend bot whose key is kept in .local/relay-key.
 */
async function useDiscordStandin(consumersChosen) {
  const token = `standin.${randomBytes(24).toString('base64url')}`;
  const starting = startStandin(
    {
      ...env,
      DISCORD_STANDIN_PORT: String(ports.standin),
      DISCORD_BOT_TOKEN: token,
      DISCORD_STANDIN_INTERACTIONS_URL: `http://127.0.0.1:${ports.api}/interactions`,
      IGNORE_SIGINT: 'true',
    },
    {
      stopping: () => stopping,
      onExit: (code, signal) => {
        logError('The Discord stand-in exited unexpectedly', { code, signal });
        void stop(1);
      },
    },
  );
  standinProcess = starting.child;
  const standin = await starting.ready;
  // The stand-in signs interactions with a key made for this run: only its public half verifies them.
  Object.assign(env, {
    DISCORD_BOT_TOKEN: token,
    DISCORD_API_BASE_URL: standin.apiUrl,
    DISCORD_PUBLIC_KEY: standin.publicKey,
  });
  standinPage = standin.page;
  const state = await (await fetch(new URL('/state.json', standin.page))).json();
  const guildId = state.guilds[0].id;
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'dist', 'apps', 'api', 'src', 'discord-commands.js'), '--guild', guildId],
    { env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (!env.RELAY_CONFIG) {
    env.RELAY_CONFIG = localRelayConfig(state.guilds[0].channels.find((c) => c.name === 'general').id);
    env.RELAY_DEMO_BACKEND_KEY = localSecret('relay-key');
  }
  if (!consumersChosen) env.WORKER_CONSUMERS = 'prize-distribution,discord,bot-operations,campaign,relay';
  log(
    'No DISCORD_BOT_TOKEN: Discord is played by the local Discord stand-in (NOT Discord); every Discord flow runs against it',
    {
      page: standin.page,
      slashCommands: `registered in server ${guildId}`,
      relayConfig: path.relative(ROOT, env.RELAY_CONFIG),
    },
  );
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  removeLocalEnv(process.pid);
  // Apps first (they drain their in-flight messages against the local services), then the local
  // services, which ignore the terminal's Ctrl-C and wait for this SIGTERM.
  const stopped = (c) =>
    new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : (c.once('exit', r), c.kill('SIGTERM'))));
  await Promise.all(apps.map((app) => stopped(app.process)));
  if (apps.length > 0) log('Apps stopped; stopping the local services');
  await Promise.all([fauxqsProcess, standinProcess].filter(Boolean).map(stopped));
  log('Stopped');
  process.exit(code);
}

process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
main().catch((error) => {
  console.error(error);
  void stop(1);
});
