// `npm start`: the whole system on this machine with embedded defaults — Postgres database
// created and migrated, a fauxqs SQS endpoint with every queue and its DLQ (prize, Discord,
// backend responses, bot operations FIFO, campaign FIFO; unless AWS_SQS_QUEUE_URL points
// elsewhere), then the API (:3000) and the worker (:3001).
// Without a DISCORD_BOT_TOKEN, Discord is played by the local Discord stand-in (:3002, NOT Discord:
// apps/discord-standin), as fauxqs plays SQS: every consumer, the interactions endpoint (its
// public key), the slash commands (registered there) and the message relay (a demo backend bot)
// run against it, and its page shows what the bot did. With a DISCORD_BOT_TOKEN the apps talk to
// Discord (or DISCORD_API_BASE_URL); DISCORD_PUBLIC_KEY then turns on the interactions endpoint and
// RELAY_CONFIG the message relay. Ctrl-C / SIGTERM stops everything gracefully.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
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
let standinProcess;
let standinPage;
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
  if (!env.DISCORD_BOT_TOKEN) await useDiscordStandin(consumersChosen);
  // The message relay runs when its configuration file is given (its bots have their own tokens).
  if (env.RELAY_CONFIG && !consumersChosen && !env.WORKER_CONSUMERS?.split(',').includes('relay')) {
    env.WORKER_CONSUMERS = `${env.WORKER_CONSUMERS ?? 'prize-distribution,discord,bot-operations,campaign'},relay`;
    log('RELAY_CONFIG given: the worker connects the relay\'s Discord bots, the API serves /v1 to its backend bots', { config: env.RELAY_CONFIG });
  }

  // Ctrl-C while the stand-in was being prepared: stop() has already run; start nothing more.
  if (stopping) return;
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
  log('Started', {
    api: `http://127.0.0.1:${env.API_PORT ?? 3000}`,
    worker: `http://127.0.0.1:${env.WORKER_PORT ?? 3001}/health/ready`,
    ...(standinPage ? { discordStandin: `${standinPage} (NOT Discord)` } : {}),
  });
}

/**
 * No bot token: the local Discord stand-in plays Discord. It gets a bot token made for this run,
 * the apps get its address and its application's public key, the slash commands are registered in
 * its demo server (the deploy step `npm run discord:commands`), and the message relay gets a
 * configuration with one demo backend bot whose key is kept in .local/relay-key.
 */
async function useDiscordStandin(consumersChosen) {
  const apiPort = env.API_PORT ?? '3000';
  const token = `standin.${randomBytes(24).toString('base64url')}`;
  const standin = await startStandin({
    DISCORD_STANDIN_PORT: env.DISCORD_STANDIN_PORT ?? '3002',
    DISCORD_BOT_TOKEN: token,
    DISCORD_STANDIN_INTERACTIONS_URL: `http://127.0.0.1:${apiPort}/interactions`,
  });
  // The stand-in signs interactions with a key made for this run: only its public half verifies them.
  Object.assign(env, { DISCORD_BOT_TOKEN: token, DISCORD_API_BASE_URL: standin.apiUrl, DISCORD_PUBLIC_KEY: standin.publicKey });
  standinPage = standin.page;
  const state = await (await fetch(new URL('/state.json', standin.page))).json();
  const guildId = state.guilds[0].id;
  execFileSync(process.execPath, [path.join(ROOT, 'dist', 'apps', 'api', 'src', 'discord-commands.js'), '--guild', guildId], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!env.RELAY_CONFIG) {
    env.RELAY_CONFIG = localRelayConfig(state.guilds[0].channels.find((c) => c.name === 'general').id);
    env.RELAY_DEMO_BACKEND_KEY = localSecret('relay-key');
  }
  if (!consumersChosen) env.WORKER_CONSUMERS = 'prize-distribution,discord,bot-operations,campaign,relay';
  log('No DISCORD_BOT_TOKEN: Discord is played by the local Discord stand-in (NOT Discord); every Discord flow runs against it', {
    page: standin.page,
    slashCommands: `registered in server ${guildId}`,
    relayConfig: path.relative(ROOT, env.RELAY_CONFIG),
  });
}

/** Starts the stand-in; resolves with its ready line's facts (page, apiUrl, publicKey) and forwards its log. */
function startStandin(extraEnv, timeoutMs = 30_000) {
  standinProcess = spawn(process.execPath, [path.join(ROOT, 'dist', 'apps', 'discord-standin', 'src', 'main.js')], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The Discord stand-in did not report ready within ${timeoutMs / 1000} s`)), timeoutMs);
    standinProcess.once('exit', (code, signal) => {
      if (stopping) return;
      reject(new Error(`The Discord stand-in exited with code ${code}`));
      log('The Discord stand-in exited unexpectedly', { code, signal });
      void stop(1);
    });
    createInterface({ input: standinProcess.stdout }).on('line', (line) => {
      console.log(line);
      try {
        const entry = JSON.parse(line);
        if (entry.ready === true && entry.name === 'discord-standin') {
          clearTimeout(timer);
          resolve(entry);
        }
      } catch {
        // not a log line of the stand-in's; shown as it is
      }
    });
  });
}

/** The relay's configuration for the stand-in: its bot (the apps' token) relays DMs and #general to one demo backend bot. */
function localRelayConfig(generalChannelId) {
  const file = path.join(ROOT, '.local', 'relay.yaml');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    file,
    `# Written by npm start for the local Discord stand-in; secrets come from the environment.
discord_bots:
  - id: standin
    name: Local Discord stand-in bot
    token_env: DISCORD_BOT_TOKEN
    channel_allowlist: ["${generalChannelId}"]
backend_bots:
  - id: demo-backend
    api_key_env: RELAY_DEMO_BACKEND_KEY
routing:
  mode: first_match
  defaults:
    standin: demo-backend
routes:
  - { discord_bot_id: standin, scope_type: channel, scope_id: "${generalChannelId}", backend_bot_id: demo-backend }
`,
    { mode: 0o600 },
  );
  return file;
}

/**
 * The API refuses to start without a key. Locally, one admin key is made on first start and kept
 * in .local/api-key (git-ignored, readable by this user only), so the README's examples can read it.
 */
function localApiKey() {
  const key = localSecret('api-key');
  // Printed once, here, for the person at the terminal; the apps never log keys.
  console.log(`\nNo API_KEYS configured: local admin API key (also in .local/api-key):\n  ${key}\nUse it as: curl -H "authorization: Bearer $(cat .local/api-key)" http://127.0.0.1:${env.API_PORT ?? 3000}/…\n`);
  return key;
}

/** A random key kept in .local/<name> (git-ignored, readable by this user only): the same at every start. */
function localSecret(name) {
  const file = path.join(ROOT, '.local', name);
  let key = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (key.length < 32) {
    key = randomBytes(32).toString('base64url');
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  }
  return key;
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  // Apps first (they drain their in-flight messages), the stand-ins they talk to last.
  const stopped = (c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : (c.once('exit', r), c.kill('SIGTERM'))));
  await Promise.all(apps.map(stopped));
  await Promise.all([fauxqsProcess, standinProcess].filter(Boolean).map(stopped));
  process.exit(code);
}

process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
main().catch((error) => {
  console.error(error);
  void stop(1);
});
