import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { FakeBot, FakeDiscord, FakeGateway, startFakeDiscord } from '@discord-backbone/discord-standin';
import { PrismaClient } from '@discord-backbone/prisma';
import { snowflake } from './database';
import { waitFor } from './sqs';
import { startApi, startWorker } from './worker';

export const KEY_ALPHA = 'relay-test-key-alpha-0123456789abcdefghijk';
export const KEY_BETA = 'relay-test-key-beta-0123456789abcdefghijkl';

/**
 * The relay on the fake Discord (REST + gateway): two Discord bots — discord_a (the fake's default
 * bot, channel A allowlisted, DMs) and discord_b (channel B allowlisted) — and two backend bots:
 * alpha gets discord_a's DMs (by default) and channel A; beta gets channel B and the DMs of
 * `betaUser` to discord_a. The YAML file names discord_a's token and alpha's key by `*_env`.
 */
export interface RelayRig {
  discord: FakeDiscord;
  gateway: FakeGateway;
  botA: FakeBot;
  botB: FakeBot;
  guildId: string;
  channelA: string;
  channelB: string;
  /** Not allowlisted anywhere. */
  quietChannel: string;
  betaUser: string;
  configPath: string;
  env: Record<string, string>;
  startApi(overrides?: Record<string, string>): Promise<{ app: INestApplication; url: string }>;
  startWorker(overrides?: Record<string, string>): Promise<INestApplication>;
  /** Resolves once every relay bot's gateway connection is ready (and the first backfill has run). */
  workerReady(worker: INestApplication): Promise<void>;
  close(): Promise<void>;
}

export async function relayRig(
  options: {
    config?: (
      rig: Pick<
        RelayRig,
        'discord' | 'guildId' | 'botA' | 'botB' | 'channelA' | 'channelB' | 'quietChannel' | 'betaUser'
      >,
    ) => string;
  } = {},
): Promise<RelayRig> {
  const discord = await startFakeDiscord();
  const gateway = await discord.startGateway();
  const botA = discord.botByToken(discord.token)!;
  const botB = discord.addBot();
  const guildId = discord.addGuild({ bots: [botA.userId, botB.userId] }).id;
  const channelA = discord.addChannel(guildId, { name: 'alpha-room' });
  const channelB = discord.addChannel(guildId, { name: 'beta-room' });
  const quietChannel = discord.addChannel(guildId, { name: 'quiet' });
  const betaUser = snowflake();
  const parts = { discord, guildId, botA, botB, channelA, channelB, quietChannel, betaUser };
  const configPath = path.join(mkdtempSync(path.join(tmpdir(), 'relay-config-')), 'relay.yaml');
  writeFileSync(configPath, options.config?.(parts) ?? defaultConfig(parts));
  const env = {
    RELAY_CONFIG: configPath,
    RELAY_TEST_TOKEN_A: botA.token,
    RELAY_TEST_KEY_ALPHA: KEY_ALPHA,
    DISCORD_API_BASE_URL: discord.apiUrl,
    DISCORD_REQUEST_TIMEOUT_MS: '2000',
  };
  const apps: INestApplication[] = [];
  return {
    discord,
    gateway,
    botA,
    botB,
    guildId,
    channelA,
    channelB,
    quietChannel,
    betaUser,
    configPath,
    env,
    async startApi(overrides = {}) {
      const api = await startApi({ ...env, OUTBOX_RELAY_ENABLED: 'false', ...overrides });
      apps.push(api.app);
      return api;
    },
    async startWorker(overrides = {}) {
      // No SQS queue: the relay consumer is the only one.
      const worker = await startWorker(
        { name: 'none', queueUrl: '', dlqUrl: '' },
        { ...env, WORKER_CONSUMERS: 'relay', ...overrides },
      );
      apps.push(worker);
      return worker;
    },
    async workerReady(worker) {
      await waitFor(
        async () => {
          const { RelayGatewayHealthIndicator } = await import('@discord-backbone/relay');
          const result = worker.get(RelayGatewayHealthIndicator, { strict: false }).isHealthy();
          return result.relay_gateway.status === 'up';
        },
        { what: 'relay gateway connections', timeoutMs: 20_000 },
      );
      // Ready is not enough: until a session's first backfill has ended, an allowlisted channel may
      // have no watermark yet, and a message posted then would count as history, not as a gap.
      const { RelayGateway } = await import('../../libs/relay/src/worker/relay-gateway.service');
      const bots = worker.get(RelayGateway, { strict: false }).bots;
      await waitFor(() => bots.every((b) => b.state !== 'ready' || b.lastBackfillAt !== undefined), {
        what: 'the first relay backfills',
        timeoutMs: 20_000,
      });
    },
    async close() {
      for (const app of apps.reverse()) await app.close().catch(() => undefined);
      await discord.close();
    },
  };
}

function defaultConfig({
  botB,
  channelA,
  channelB,
  betaUser,
}: Pick<RelayRig, 'botB' | 'channelA' | 'channelB' | 'betaUser'>): string {
  return `
discord_bots:
  - id: discord_a
    name: Discord Bot A
    token_env: RELAY_TEST_TOKEN_A
    channel_allowlist: ["${channelA}"]
  - id: discord_b
    token: "${botB.token}"
    channel_allowlist: ["${channelB}"]
backend_bots:
  - id: alpha
    api_key_env: RELAY_TEST_KEY_ALPHA
  - id: beta
    api_key: "${KEY_BETA}"
routing:
  mode: first_match
  defaults:
    discord_a: alpha
routes:
  - { discord_bot_id: discord_a, scope_type: channel, scope_id: "${channelA}", backend_bot_id: alpha }
  - { discord_bot_id: discord_a, scope_type: dm_user, scope_id: "${betaUser}", backend_bot_id: beta }
  - { discord_bot_id: discord_b, scope_type: channel, scope_id: "${channelB}", backend_bot_id: beta }
`;
}

/** A JSON request to /v1 with a backend key: status, headers and parsed body. */
export async function relayHttp<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const key = options.key === undefined ? KEY_ALPHA : options.key;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

/**
 * A DM from `authorId` to discord_a, posted on the fake Discord and delivered to the backend as the
 * worker would have done (for send tests without a gateway): the backend may then answer that user.
 */
export async function deliveredDm(
  prisma: PrismaClient,
  rig: RelayRig,
  backendBotId: string,
  authorId: string,
): Promise<{ id: string; channel_id: string }> {
  const incoming = rig.discord.postMessage({ dmTo: rig.botA.userId, authorId, content: `hi ${backendBotId}` });
  const message = await prisma.relayMessage.create({
    data: {
      discordBotId: 'discord_a',
      discordMessageId: incoming.id,
      channelId: incoming.channel_id,
      isDm: true,
      authorId,
      authorName: 'writer',
      content: `hi ${backendBotId}`,
      sentAt: new Date(),
      source: 'gateway',
    },
  });
  await prisma.relayDelivery.create({
    data: { messageId: message.id, backendBotId, conversation: incoming.channel_id, state: 'acked' },
  });
  return incoming;
}

/** Messages and deliveries written straight into Postgres, as the worker would (for lease tests without a gateway). */
export async function seedDeliveries(
  prisma: PrismaClient,
  count: number,
  options: { backendBotId?: string; discordBotId?: string; channelId?: string; conversations?: number } = {},
): Promise<string[]> {
  const base = 1_300_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e15)) * 1000n;
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH m AS (
      INSERT INTO relay_messages (discord_bot_id, discord_message_id, channel_id, is_dm, author_id, author_name, content, sent_at, source)
      SELECT ${options.discordBotId ?? 'discord_a'}, (${base}::bigint + g)::text,
             CASE WHEN ${options.conversations ?? 0}::int > 0 THEN (1400000000000000000 + g % ${Math.max(1, options.conversations ?? 1)}::int)::text ELSE ${options.channelId ?? '1400000000000000000'} END,
             false, '1500000000000000000', 'someone', 'message ' || g, now(), 'gateway'
      FROM generate_series(1, ${count}::int) AS g
      RETURNING id, channel_id, discord_message_id
    )
    INSERT INTO relay_deliveries (message_id, backend_bot_id, conversation)
    SELECT id, ${options.backendBotId ?? 'alpha'}, channel_id FROM m ORDER BY discord_message_id
    RETURNING id::text`;
  return rows.map((r) => r.id);
}
