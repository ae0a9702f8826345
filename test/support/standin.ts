import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { INestApplication } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { DEMO, DiscordStandin, startDiscordStandin } from '@discord-backbone/discord-standin';
import { RelayGatewayHealthIndicator } from '@discord-backbone/relay';
import { createSystemQueue, queueSettings, waitFor } from './sqs';
import { startApi, startWorker } from './worker';

export const STANDIN_BOT_TOKEN = 'standin-test-bot-token';
export const DEMO_BACKEND_KEY = 'standin-test-backend-key-0123456789abcdef';

/**
 * What `npm start` runs without a bot token, in this process: the Discord stand-in (demo server,
 * page) with the API and the worker pointed at it — order threads and the message relay, whose
 * demo backend bot gets #general and the bot's DMs.
 */
export interface StandinStack {
  standin: DiscordStandin;
  api: { app: INestApplication; url: string };
  worker: INestApplication;
  close(): Promise<void>;
}

export async function standinStack(sqs: SQSClient): Promise<StandinStack> {
  const discordQueue = await createSystemQueue(sqs, QueueName.DISCORD, { prefix: 'standin-discord' });
  const backendQueue = await createSystemQueue(sqs, QueueName.BACKEND, { prefix: 'standin-backend' });
  const standin = await startDiscordStandin({ port: 0, botToken: STANDIN_BOT_TOKEN });
  const configDir = mkdtempSync(path.join(tmpdir(), 'standin-relay-'));
  const relayConfig = path.join(configDir, 'relay.yaml');
  writeFileSync(
    relayConfig,
    `discord_bots:
  - { id: standin, token_env: DISCORD_BOT_TOKEN, channel_allowlist: ["${DEMO.channels.general}"] }
backend_bots:
  - { id: demo-backend, api_key_env: RELAY_DEMO_BACKEND_KEY }
routing: { mode: first_match, defaults: { standin: demo-backend } }
routes:
  - { discord_bot_id: standin, scope_type: channel, scope_id: "${DEMO.channels.general}", backend_bot_id: demo-backend }
`,
  );
  const env = {
    ...queueSettings(QueueName.DISCORD, { queueUrl: discordQueue.queueUrl }),
    ...queueSettings(QueueName.BACKEND, { queueUrl: backendQueue.queueUrl }),
    DISCORD_BOT_TOKEN: STANDIN_BOT_TOKEN,
    DISCORD_API_BASE_URL: standin.apiUrl,
    RELAY_CONFIG: relayConfig,
    RELAY_DEMO_BACKEND_KEY: DEMO_BACKEND_KEY,
  };
  const started: INestApplication[] = [];
  const close = async () => {
    for (const app of started.reverse()) await app.close();
    await standin.close();
    rmSync(configDir, { recursive: true, force: true });
  };
  try {
    const api = await startApi({
      ...env,
      ...queueSettings(QueueName.BACKEND, { waitTimeSeconds: '1' }),
      OUTBOX_POLL_INTERVAL_MS: '50',
    });
    started.push(api.app);
    const worker = await startWorker(discordQueue, {
      ...env,
      WORKER_CONSUMERS: 'discord,relay',
      ...queueSettings(QueueName.DISCORD, { waitTimeSeconds: '1' }),
    });
    started.push(worker);
    await waitFor(
      () => worker.get(RelayGatewayHealthIndicator, { strict: false }).isHealthy().relay_gateway.status === 'up',
      { what: 'the relay connected to the stand-in’s gateway' },
    );
    return { standin, api, worker, close };
  } catch (error) {
    await close();
    throw error;
  }
}
