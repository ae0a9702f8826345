// `npm start`: the whole system on this machine with embedded defaults — Postgres database
// created and migrated, a fauxqs SQS endpoint with every queue and its DLQ (prize, Discord,
// backend responses, bot operations FIFO, campaign FIFO; unless AWS_SQS_QUEUE_URL points
// elsewhere), then the API (:3000) and the worker (:3001). The worker's Discord consumers run
// only with a DISCORD_BOT_TOKEN (Discord itself, or DISCORD_API_BASE_URL): without one, messages
// for Discord wait on their queues. DISCORD_PUBLIC_KEY turns on the interactions endpoint
// (campaign channels). With RELAY_CONFIG the message relay runs too (worker: its Discord gateway
// ingest; API: /v1). Ctrl-C / SIGTERM stops everything gracefully.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createQueuePair, prepareDatabase, ROOT, startFauxqs } from './local-services.mjs';

const env = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/discord_queue_backbone',
  ...process.env,
};
const apps = [];
let fauxqsProcess;
const log = (msg, extra = {}) => console.log(JSON.stringify({ level: 30, time: Date.now(), name: 'start-local', msg, ...extra }));

async function main() {
  await prepareDatabase(env.DATABASE_URL);
  log('Database ready (migrations applied)', { database: new URL(env.DATABASE_URL).pathname.slice(1) });

  if (!env.AWS_SQS_QUEUE_URL) {
    const fauxqs = await startFauxqs({ port: Number(env.FAUXQS_PORT ?? 4566) });
    fauxqsProcess = fauxqs.process;
    const sqs = new SQSClient({
      region: env.AWS_REGION,
      endpoint: fauxqs.endpoint,
      useQueueUrlAsEndpoint: false,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    const prizes = await createQueuePair(sqs, 'prize-distribution', { maxReceiveCount: 3, visibilityTimeout: 30 });
    // Redrive above the worker's attempt limit (DISCORD_QUEUE_MAX_RECEIVE_COUNT): waits are receives too.
    const discord = await createQueuePair(sqs, 'discord-queue', { maxReceiveCount: 20, visibilityTimeout: 30 });
    const backend = await createQueuePair(sqs, 'backend-queue', { maxReceiveCount: 3, visibilityTimeout: 30 });
    // Above the worker's own attempt limit: FIFO hand-backs behind a failing message count as receives.
    const botOperations = await createQueuePair(sqs, 'bot-operations', { maxReceiveCount: 20, visibilityTimeout: 30, fifo: true });
    // Likewise (CAMPAIGN_MAX_RECEIVE_COUNT): rate-limit waits and FIFO hand-backs are receives.
    const campaigns = await createQueuePair(sqs, 'campaign-tasks', { maxReceiveCount: 20, visibilityTimeout: 30, fifo: true });
    sqs.destroy();
    Object.assign(env, {
      AWS_ENDPOINT_URL_SQS: fauxqs.endpoint,
      AWS_SQS_QUEUE_URL: prizes.queueUrl,
      AWS_SQS_DLQ_URL: prizes.dlqUrl,
      DISCORD_QUEUE_URL: discord.queueUrl,
      BACKEND_QUEUE_URL: backend.queueUrl,
      BOT_OPERATIONS_QUEUE_URL: botOperations.queueUrl,
      BOT_OPERATIONS_DLQ_URL: botOperations.dlqUrl,
      CAMPAIGN_QUEUE_URL: campaigns.queueUrl,
      CAMPAIGN_QUEUE_DLQ_URL: campaigns.dlqUrl,
    });
    log('Local SQS endpoint (fauxqs) ready', { endpoint: fauxqs.endpoint, queues: { prizes, discord, backend, botOperations, campaigns } });
  }
  if (!env.API_KEYS && !env.API_ADMIN_KEYS && env.API_AUTH !== 'disabled') {
    env.API_ADMIN_KEYS = localApiKey();
  }
  const consumersChosen = Boolean(env.WORKER_CONSUMERS);
  if (!env.WORKER_CONSUMERS && !env.DISCORD_BOT_TOKEN) {
    env.WORKER_CONSUMERS = 'prize-distribution';
    log('No DISCORD_BOT_TOKEN: the worker runs the prize consumer only; Discord, bot-operation and campaign messages wait on their queues');
  }
  // The message relay runs when its configuration file is given (its bots have their own tokens).
  if (env.RELAY_CONFIG && !consumersChosen) {
    env.WORKER_CONSUMERS = `${env.WORKER_CONSUMERS ?? 'prize-distribution,discord,bot-operations,campaign'},relay`;
    log('RELAY_CONFIG given: the worker connects the relay\'s Discord bots, the API serves /v1 to its backend bots', { config: env.RELAY_CONFIG });
  }

  for (const [app, port] of [['api', env.API_PORT ?? '3000'], ['worker', env.WORKER_PORT ?? '3001']]) {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
      env: { ...env, PORT: port, OTEL_SERVICE_NAME: app },
      stdio: 'inherit',
    });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        log(`${app} exited unexpectedly`, { code, signal });
        void stop(1);
      }
    });
    apps.push(child);
  }
  log('Started', { api: `http://127.0.0.1:${env.API_PORT ?? 3000}`, worker: `http://127.0.0.1:${env.WORKER_PORT ?? 3001}/health/ready` });
}

/**
 * The API refuses to start without a key. Locally, one admin key is made on first start and kept
 * in .local/api-key (git-ignored, readable by this user only), so the README's examples can read it.
 */
function localApiKey() {
  const file = path.join(ROOT, '.local', 'api-key');
  let key = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (key.length < 32) {
    key = randomBytes(32).toString('base64url');
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  }
  // Printed once, here, for the person at the terminal; the apps never log keys.
  console.log(`\nNo API_KEYS configured: local admin API key (also in .local/api-key):\n  ${key}\nUse it as: curl -H "authorization: Bearer $(cat .local/api-key)" http://127.0.0.1:${env.API_PORT ?? 3000}/…\n`);
  return key;
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  // Apps first (they drain their in-flight messages), the SQS endpoint last.
  await Promise.all(apps.map((c) => new Promise((r) => (c.exitCode !== null ? r() : (c.once('exit', r), c.kill('SIGTERM'))))));
  fauxqsProcess?.kill('SIGTERM');
  process.exit(code);
}

process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
main().catch((error) => {
  console.error(error);
  void stop(1);
});
