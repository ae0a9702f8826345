import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { QueueName } from '@discord-backbone/contracts';
import { startFakeDiscord, type FakeDiscord } from '@discord-backbone/discord-standin';
import { ChannelType } from 'discord.js';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { snowflake } from '../support/database';
import { createHostDatabase, inHost, installHostApp, startHost, type HostProcess, type InstalledHost } from '../support/host-app';
import { createSystemQueue, testSqsClient, waitFor, type QueuePair } from '../support/sqs';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';

const RELAY_KEY = 'host-relay-backend-key-0123456789abcdefgh';
const HOST_KEY = 'host-service-key-0123456789abcdefghijklmn';
const AUTHORIZED = { authorization: `Bearer ${HOST_KEY}` };

/**
 * The proof that a marketplace backend outside this repository can use the backbone: the packed
 * tarballs installed into examples/marketplace-backend copied to a temporary directory, its own
 * Prisma schema and migrations beside the backbone's in one database, and this repository's
 * built worker (the worker deployment) working the Discord side against the same database.
 */
describe('a host app installing the packages (examples/marketplace-backend)', () => {
  const sqs = testSqsClient();
  let host: InstalledHost;
  let database: { url: string; drop(): Promise<void> };
  let discord: FakeDiscord;
  let queues: Record<'discord' | 'backend' | 'botOperations', QueuePair>;
  let app: HostProcess;
  let worker: WorkerProcess;
  let db: Client;
  let guildId: string;
  let channelId: string;
  const interactionKeys = generateKeyPairSync('ed25519');

  beforeAll(async () => {
    host = await installHostApp();
    database = await createHostDatabase();
    // The host's own migrations (Prisma's, its public schema), then the backbone's (its own schema).
    await inHost(host, 'npx', ['prisma', 'migrate', 'deploy'], { DATABASE_URL: database.url });
    await inHost(host, 'npx', ['discord-backbone-db', 'migrate'], { DATABASE_URL: database.url });
    discord = await startFakeDiscord();
    guildId = discord.addGuild().id;
    channelId = discord.addChannel(guildId);
    queues = {
      discord: await createSystemQueue(sqs, QueueName.DISCORD),
      backend: await createSystemQueue(sqs, QueueName.BACKEND),
      botOperations: await createSystemQueue(sqs, QueueName.BOT_OPERATIONS),
    };
    const relayDir = mkdtempSync(path.join(tmpdir(), 'host-relay-'));
    const relayConfig = path.join(relayDir, 'relay.yaml');
    writeFileSync(relayConfig, `discord_bots: [{ id: discord_a, token: "${discord.token}" }]\nbackend_bots: [{ id: alpha, api_key: "${RELAY_KEY}" }]\nrouting: { defaults: { discord_a: alpha } }\n`);
    const publicKeyHex = interactionKeys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    app = await startHost(host, {
      DATABASE_URL: database.url,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: process.env.TEST_SQS_ENDPOINT!,
      DISCORD_QUEUE_URL: queues.discord.queueUrl,
      BACKEND_QUEUE_URL: queues.backend.queueUrl,
      BOT_OPERATIONS_QUEUE_URL: queues.botOperations.queueUrl,
      DISCORD_API_BASE_URL: discord.apiUrl,
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_PUBLIC_KEY: publicKeyHex,
      RELAY_CONFIG: relayConfig,
      API_KEYS: HOST_KEY,
    });
    // The worker deployment: this repository's built worker, on the host's database.
    worker = await spawnWorker(queues.discord, {
      DATABASE_URL: database.url,
      WORKER_CONSUMERS: 'discord',
      DISCORD_QUEUE_URL: queues.discord.queueUrl,
      BACKEND_QUEUE_URL: queues.backend.queueUrl,
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_API_BASE_URL: discord.apiUrl,
      DISCORD_QUEUE_WAIT_TIME_SECONDS: '1',
    });
    db = new Client({ connectionString: database.url });
    await db.connect();
  }, 600_000);

  afterAll(async () => {
    await db?.end();
    if (worker) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await app?.stop();
    await discord?.close();
    await database?.drop();
    host?.remove();
    sqs.destroy();
  });

  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...AUTHORIZED, ...headers }, body: JSON.stringify(body) });

  it('has one copy of @nestjs/core, and its own migrations beside the backbone\'s in one database', async () => {
    const copies = (await inHost(host, 'npm', ['ls', '@nestjs/core', '--all', '--parseable'])).trim().split('\n').filter(Boolean);
    expect(new Set(copies).size).toBe(1);
    const tables = await db.query<{ table_schema: string; table_name: string }>(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', 'discord_backbone') ORDER BY 1, 2",
    );
    const inSchema = (schema: string) => tables.rows.filter((t) => t.table_schema === schema).map((t) => t.table_name);
    expect(inSchema('public')).toEqual(['_prisma_migrations', 'orders', 'users']);
    expect(inSchema('discord_backbone')).toEqual(expect.arrayContaining(['outbox_messages', 'processed_messages', 'thread_creations', 'backbone_migrations']));
    // Both tools agree the database is as their migrations say.
    expect(await inHost(host, 'npx', ['discord-backbone-db', 'doctor'], { DATABASE_URL: database.url })).toMatch(/matches its \d+ migration\(s\)/);
    expect(await inHost(host, 'npx', ['prisma', 'migrate', 'status'], { DATABASE_URL: database.url })).toMatch(/up to date/);
  });

  it("an order created in the host's transaction gets a private thread with both members, and the host's handler stores its id; a rolled-back order sends nothing", async () => {
    const buyer = discord.addMember(guildId, snowflake());
    const seller = discord.addMember(guildId, snowflake());
    await db.query("INSERT INTO users (id, name, discord_id) VALUES ('buyer-1', 'Buyer', $1), ('seller-1', 'Seller', $2)", [buyer, seller]);

    const refused = await post('/orders', { title: 'Never kept', buyerId: 'buyer-1', sellerId: 'seller-1', serverId: guildId, channelId, failAfterStaging: true });
    expect(refused.status).toBe(400);

    const created = await post('/orders', { title: 'Epic sword', buyerId: 'buyer-1', sellerId: 'seller-1', serverId: guildId, channelId });
    const { id, message } = (await created.json()) as { id: string; message?: string };
    expect({ status: created.status, id, message }).toEqual({ status: 201, id: expect.any(String), message: undefined });
    const order = await waitFor(
      async () => {
        const answer = (await (await fetch(`${app.url}/orders/${id}`, { headers: AUTHORIZED })).json()) as { discordThreadId: string | null };
        return answer.discordThreadId ? answer : undefined;
      },
      { what: "the host's order to carry its thread id", timeoutMs: 60_000 },
    );
    expect(discord.threads).toHaveLength(1);
    const [thread] = discord.threads;
    expect(order.discordThreadId).toBe(thread.id);
    expect(thread).toMatchObject({ type: ChannelType.PrivateThread, parent_id: channelId });
    expect(discord.threadMembers(thread.id)).toEqual(expect.arrayContaining([buyer, seller]));
    // The rolled-back order left nothing behind: no row of ours, no message of the backbone's.
    expect((await db.query("SELECT count(*)::int AS n FROM orders WHERE title = 'Never kept'")).rows[0]).toEqual({ n: 0 });
    expect((await db.query('SELECT count(*)::int AS n FROM discord_backbone.outbox_messages')).rows[0]).toEqual({ n: 1 });
  });

  it("BotQueueProducer stages an invite in a host pg transaction and it reaches the bot-operations FIFO queue", async () => {
    const user = snowflake();
    const response = await post('/members/invite', { discordUserId: user, channelId, subscriptionId: randomUUID() });
    const invited = (await response.json()) as { operationId: string };
    expect({ status: response.status, invited, errors: app.output().split('\n').filter((line) => /rror/.test(line)).join('\n') }).toMatchObject({ status: 201, errors: '' });
    const { operationId } = invited;
    const message = await waitFor(
      async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.botOperations.queueUrl, WaitTimeSeconds: 1 }))).Messages?.[0],
      { what: 'the invite on the bot-operations queue', timeoutMs: 30_000 },
    );
    expect(JSON.parse(message.Body!)).toMatchObject({ type: 'INVITE_USER', operationId, discordUserId: user, channelId });
    expect((await db.query('SELECT count(*)::int AS n FROM discord_backbone.bot_operations')).rows[0]).toEqual({ n: 1 });
  });

  it("leaves no route open: the host's and the packages' own need its key", async () => {
    expect((await fetch(`${app.url}/orders/x`)).status).toBe(401);
    expect((await fetch(`${app.url}/members/invite`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${app.url}/campaigns/${randomUUID()}`)).status).toBe(401);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });

  it('mounts the interactions endpoint (verified) and the relay /v1 API (keyed) from the packages', async () => {
    const body = JSON.stringify({ type: 1, id: snowflake(), application_id: snowflake(), token: 'ping', version: 1 });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(timestamp + body), interactionKeys.privateKey).toString('hex');
    const ping = await fetch(`${app.url}/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
      body,
    });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ type: 1 });
    const forged = await fetch(`${app.url}/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature-ed25519': '00'.repeat(64), 'x-signature-timestamp': timestamp }, body });
    expect(forged.status).toBe(401);

    expect((await fetch(`${app.url}/v1/messages/pending`)).status).toBe(401);
    const pending = await fetch(`${app.url}/v1/messages/pending`, { headers: { authorization: `Bearer ${RELAY_KEY}` } });
    expect(pending.status).toBe(200);
  });
});
