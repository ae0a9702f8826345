import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChannelType } from 'discord.js';
import { Client } from 'pg';
import { QueueName } from '@discord-backbone/contracts';
import { startFakeDiscord, type FakeDiscord } from '@discord-backbone/discord-standin';
import { snowflake } from '../support/database';
import {
  createHostDatabase,
  inHost,
  installHostApp,
  startHost,
  type HostProcess,
  type InstalledHost,
} from '../support/host-app';
import { createSystemQueue, send, testSqsClient, waitFor, type QueuePair } from '../support/sqs';
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
  let queues: Record<'discord' | 'backend' | 'botOperations' | 'prizes', QueuePair>;
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
      prizes: await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION),
    };
    const relayDir = mkdtempSync(path.join(tmpdir(), 'host-relay-'));
    const relayConfig = path.join(relayDir, 'relay.yaml');
    writeFileSync(
      relayConfig,
      `discord_bots: [{ id: discord_a, token: "${discord.token}" }]\nbackend_bots: [{ id: alpha, api_key: "${RELAY_KEY}" }]\nrouting: { defaults: { discord_a: alpha } }\n`,
    );
    const publicKeyHex = interactionKeys.publicKey
      .export({ format: 'der', type: 'spki' })
      .subarray(-32)
      .toString('hex');
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
    // The worker deployment: this repository's built worker, on the host's database, reading and
    // writing the host's tables through the table contract (the example's src/host-tables.ts).
    worker = await spawnWorker(queues.prizes, {
      DATABASE_URL: database.url,
      WORKER_CONSUMERS: 'discord,bot-operations,prize-distribution',
      DISCORD_QUEUE_URL: queues.discord.queueUrl,
      BACKEND_QUEUE_URL: queues.backend.queueUrl,
      BOT_OPERATIONS_QUEUE_URL: queues.botOperations.queueUrl,
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_API_BASE_URL: discord.apiUrl,
      DISCORD_QUEUE_WAIT_TIME_SECONDS: '1',
      BOT_OPERATIONS_WAIT_TIME_SECONDS: '1',
      HOST_USERS_TABLE: 'public.discord_accounts',
      HOST_COMMUNITIES_TABLE: 'public.communities',
      HOST_ITEM_TYPES_TABLE: 'public.item_types',
      HOST_ITEM_HOLDINGS_TABLE: 'public.inventory',
      HOST_CHARACTERS_TABLE: 'public.characters',
      HOST_SUBSCRIPTION_CHANNELS_TABLE: 'public.discord_channels',
      HOST_SUBSCRIPTIONS_TABLE: 'public.memberships',
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
    fetch(`${app.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTHORIZED, ...headers },
      body: JSON.stringify(body),
    });

  interface HostOrder {
    id: string;
    status: string;
    discordThreadId: string | null;
    discordStatus: string | null;
    statusFailure: string | null;
  }
  /** The host's order (its GET /orders/:id) once `ready` holds. */
  const orderWhen = (id: string, ready: (order: HostOrder) => boolean, what: string) =>
    waitFor(
      async () => {
        const order = (await (await fetch(`${app.url}/orders/${id}`, { headers: AUTHORIZED })).json()) as HostOrder;
        return ready(order) ? order : undefined;
      },
      { what, timeoutMs: 60_000 },
    );

  it("has one copy of @nestjs/core, and its own migrations beside the backbone's in one database", async () => {
    const copies = (await inHost(host, 'npm', ['ls', '@nestjs/core', '--all', '--parseable']))
      .trim()
      .split('\n')
      .filter(Boolean);
    expect(new Set(copies).size).toBe(1);
    const tables = await db.query<{ table_schema: string; table_name: string }>(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', 'discord_backbone') ORDER BY 1, 2",
    );
    const inSchema = (schema: string) => tables.rows.filter((t) => t.table_schema === schema).map((t) => t.table_name);
    expect(inSchema('public')).toEqual([
      '_prisma_migrations',
      'characters',
      'communities',
      'discord_accounts',
      'discord_channels',
      'inventory',
      'item_types',
      'memberships',
      'orders',
      'users',
    ]);
    expect(inSchema('discord_backbone')).toEqual(
      expect.arrayContaining([
        'outbox_messages',
        'processed_messages',
        'thread_creations',
        'pending_ownerships',
        'backbone_migrations',
      ]),
    );
    // Both tools agree the database is as their migrations say.
    expect(await inHost(host, 'npx', ['discord-backbone-db', 'doctor'], { DATABASE_URL: database.url })).toMatch(
      /matches its \d+ migration\(s\)/,
    );
    expect(await inHost(host, 'npx', ['prisma', 'migrate', 'status'], { DATABASE_URL: database.url })).toMatch(
      /up to date/,
    );
  });

  it("an order created in the host's transaction gets a private thread with both members, and the host's handler stores its id; a rolled-back order sends nothing", async () => {
    const buyer = discord.addMember(guildId, snowflake());
    const seller = discord.addMember(guildId, snowflake());
    await db.query(
      "INSERT INTO users (id, name, discord_id) VALUES ('buyer-1', 'Buyer', $1), ('seller-1', 'Seller', $2)",
      [buyer, seller],
    );

    const refused = await post('/orders', {
      title: 'Never kept',
      buyerId: 'buyer-1',
      sellerId: 'seller-1',
      serverId: guildId,
      channelId,
      failAfterStaging: true,
    });
    expect(refused.status).toBe(400);

    const created = await post('/orders', {
      title: 'Epic sword',
      buyerId: 'buyer-1',
      sellerId: 'seller-1',
      serverId: guildId,
      channelId,
    });
    const { id, message } = (await created.json()) as { id: string; message?: string };
    expect({ status: created.status, id, message }).toEqual({
      status: 201,
      id: expect.any(String),
      message: undefined,
    });
    const order = await orderWhen(id, (o) => o.discordThreadId !== null, "the host's order to carry its thread id");
    expect(discord.threads).toHaveLength(1);
    const [thread] = discord.threads;
    expect(order.discordThreadId).toBe(thread.id);
    expect(thread).toMatchObject({ type: ChannelType.PrivateThread, parent_id: channelId });
    expect(discord.threadMembers(thread.id)).toEqual(expect.arrayContaining([buyer, seller]));
    // The rolled-back order left nothing behind: no row of ours, no message of the backbone's.
    expect((await db.query("SELECT count(*)::int AS n FROM orders WHERE title = 'Never kept'")).rows[0]).toEqual({
      n: 0,
    });
    expect((await db.query('SELECT count(*)::int AS n FROM discord_backbone.outbox_messages')).rows[0]).toEqual({
      n: 1,
    });
  });

  it("the host's status change, staged in its transaction, is posted in the order's thread, and the host's RequestAnswerHandler stores the bot's answer (Phase 4)", async () => {
    const buyer = discord.addMember(guildId, snowflake());
    const seller = discord.addMember(guildId, snowflake());
    await db.query(
      "INSERT INTO users (id, name, discord_id) VALUES ('buyer-2', 'Buyer', $1), ('seller-2', 'Seller', $2)",
      [buyer, seller],
    );
    const created = await post('/orders', {
      title: 'Shield',
      buyerId: 'buyer-2',
      sellerId: 'seller-2',
      serverId: guildId,
      channelId,
    });
    const { id } = (await created.json()) as { id: string };
    const { discordThreadId } = await orderWhen(id, (o) => o.discordThreadId !== null, 'the thread of the order');

    const changed = await post(`/orders/${id}/status`, { status: 'in_progress' });
    const { requestId } = (await changed.json()) as { requestId: string };
    expect({ status: changed.status, requestId }).toEqual({ status: 201, requestId: expect.any(String) });
    const order = await orderWhen(
      id,
      (o) => o.discordStatus !== null || o.statusFailure !== null,
      "the bot's answer on the host's order",
    );
    expect(order).toMatchObject({ status: 'in_progress', discordStatus: 'in_progress', statusFailure: null });
    expect(discord.messages(discordThreadId!).map((m) => m.content)).toContain('Order status: open → **in_progress**');
  });

  it("an invite the host stages with its own membership row, in a pg transaction, gets the channel's role granted on the stand-in: the worker reads the host's channels and memberships", async () => {
    const guild = discord.addGuild({ roles: [{ permissions: 0n }] });
    const [roleId] = guild.roleIds;
    const subscriberChannel = discord.addChannel(guild.id);
    const member = discord.addMember(guild.id, snowflake());
    await db.query("INSERT INTO users (id, name, discord_id) VALUES ('member-1', 'Member', $1)", [member]);
    await db.query('INSERT INTO discord_channels (channel_id, guild_id, role_id) VALUES ($1, $2, $3)', [
      subscriberChannel,
      guild.id,
      roleId,
    ]);

    const response = await post('/members/invite', { userId: 'member-1', channelId: subscriberChannel });
    const invited = (await response.json()) as { membershipId: string; operationId: string };
    expect({
      status: response.status,
      invited,
      errors: app
        .output()
        .split('\n')
        .filter((line) => /rror/.test(line))
        .join('\n'),
    }).toMatchObject({
      status: 201,
      invited: { membershipId: expect.any(String), operationId: expect.any(String) },
      errors: '',
    });
    await waitFor(() => discord.memberRoles(guild.id, member)?.includes(roleId), {
      what: 'the role granted on the stand-in',
      timeoutMs: 30_000,
    });
    expect(discord.memberRoles(guild.id, member)).toEqual([roleId]);
    // The operation the host staged went through the bot-operations FIFO queue to the worker, which recorded its outcome.
    const operation = await waitFor(
      async () =>
        (
          await db.query(
            "SELECT id, type, discord_user_id, channel_id, subscription_id, result FROM discord_backbone.bot_operations WHERE status = 'done'",
          )
        ).rows[0] as object | undefined,
      { what: 'the invite recorded as done', timeoutMs: 10_000 },
    );
    expect(operation).toEqual({
      id: invited.operationId,
      type: 'INVITE_USER',
      discord_user_id: member,
      channel_id: subscriberChannel,
      subscription_id: invited.membershipId,
      result: { outcome: 'applied', access: 'role' },
    });
    expect((await db.query('SELECT count(*)::int AS n FROM discord_backbone.bot_operations')).rows[0]).toEqual({
      n: 1,
    });
  });

  it("a prize awarded to an unlinked Discord account waits in the backbone's pending_ownerships; the host's account link claims it into the host's inventory, and later prizes go there directly", async () => {
    const gamer = snowflake();
    await db.query("INSERT INTO communities (id, name, discord_guild_id) VALUES ('community-1', 'Arena', $1)", [
      guildId,
    ]);
    await db.query(
      "INSERT INTO item_types (id, community_id, name, stackable) VALUES ('gems', 'community-1', 'Gems', true)",
    );
    await db.query("INSERT INTO users (id, name) VALUES ('gamer-1', 'Gamer')");
    const award = { eventType: 'ITEM_AWARDED', discordGuildId: guildId, discordUserId: gamer, itemTypeId: 'gems' };

    await send(sqs, queues.prizes.queueUrl, { ...award, quantity: 3 });
    const pending = await waitFor(
      async () =>
        (
          await db.query(
            'SELECT discord_user_id, community_id, item_type_id, quantity, claimed_at FROM discord_backbone.pending_ownerships',
          )
        ).rows[0] as object | undefined,
      { what: 'the pending prize', timeoutMs: 30_000 },
    );
    expect(pending).toEqual({
      discord_user_id: gamer,
      community_id: 'community-1',
      item_type_id: 'gems',
      quantity: 3,
      claimed_at: null,
    });
    expect((await db.query('SELECT count(*)::int AS n FROM inventory')).rows[0]).toEqual({ n: 0 });

    const linked = await post('/users/gamer-1/discord-link', { discordUserId: gamer });
    expect({ status: linked.status, body: await linked.json() }).toEqual({
      status: 200,
      body: { userId: 'gamer-1', discordUserId: gamer, verified: false, claimed: { items: 3, characters: 0 } },
    });
    expect((await db.query("SELECT discord_id FROM users WHERE id = 'gamer-1'")).rows).toEqual([{ discord_id: gamer }]);
    expect((await db.query('SELECT user_id, item_type_id, quantity, stack_key FROM inventory')).rows).toEqual([
      { user_id: 'gamer-1', item_type_id: 'gems', quantity: 3, stack_key: 'gamer-1:gems' },
    ]);
    expect(
      (
        await db.query(
          'SELECT claimed_by_user_id, claimed_at IS NOT NULL AS claimed FROM discord_backbone.pending_ownerships',
        )
      ).rows,
    ).toEqual([{ claimed_by_user_id: 'gamer-1', claimed: true }]);

    // Linked now: the worker finds the user through the host's users and stacks onto the same row.
    await send(sqs, queues.prizes.queueUrl, { ...award, quantity: 2 });
    await waitFor(async () => (await db.query('SELECT quantity FROM inventory')).rows[0]?.quantity === 5, {
      what: 'the direct grant stacked',
      timeoutMs: 30_000,
    });
    expect((await db.query('SELECT count(*)::int AS n FROM discord_backbone.pending_ownerships')).rows[0]).toEqual({
      n: 1,
    });
  });

  it("leaves no route open: the host's and the packages' own need its key", async () => {
    expect((await fetch(`${app.url}/orders/x`)).status).toBe(401);
    expect((await fetch(`${app.url}/members/invite`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${app.url}/users/x/discord-link`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${app.url}/campaigns/${randomUUID()}`)).status).toBe(401);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  });

  it('mounts the interactions endpoint (verified) and the relay /v1 API (keyed) from the packages', async () => {
    const body = JSON.stringify({ type: 1, id: snowflake(), application_id: snowflake(), token: 'ping', version: 1 });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(timestamp + body), interactionKeys.privateKey).toString('hex');
    const ping = await fetch(`${app.url}/interactions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature-ed25519': signature,
        'x-signature-timestamp': timestamp,
      },
      body,
    });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ type: 1 });
    const forged = await fetch(`${app.url}/interactions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature-ed25519': '00'.repeat(64),
        'x-signature-timestamp': timestamp,
      },
      body,
    });
    expect(forged.status).toBe(401);

    expect((await fetch(`${app.url}/v1/messages/pending`)).status).toBe(401);
    const pending = await fetch(`${app.url}/v1/messages/pending`, {
      headers: { authorization: `Bearer ${RELAY_KEY}` },
    });
    expect(pending.status).toBe(200);
  });
});
