import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { INestApplication } from '@nestjs/common';
import { OverwriteType, PermissionFlagsBits } from 'discord.js';
import { QueueName } from '@discord-backbone/contracts';
import { DiscordHealthIndicator } from '@discord-backbone/discord';
import { FakeDiscord, startFakeDiscord } from '@discord-backbone/discord-standin';
import { attributesOf, botApiEnv, retryDelaysOf, startBotWorker, VisibilityChange } from '../support/bot-operations';
import { snowflake } from '../support/database';
import { adminHttp, http } from '../support/http';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, drainQueue, queueDepth, QueuePair, waitFor } from '../support/sqs';
import { startApi } from '../support/worker';

interface Operation {
  id: string;
  type: string;
  status: 'queued' | 'done' | 'failed';
  attempts: number;
  error: string | null;
  result: Record<string, unknown> | null;
  completedAt: string | null;
}

/**
 * Bot operations end to end: API endpoint → Postgres + outbox → FIFO queue → worker → fake
 * Discord → outcome on the BotOperation row, through the real API and worker modules.
 */
describe('bot operation queue', () => {
  const { sqs, prisma } = useTestInfra();
  let fake: FakeDiscord & { close(): Promise<void> };
  let api: { app: INestApplication; url: string } | undefined;
  let worker: INestApplication | undefined;
  let queues: QueuePair;
  let visibility: VisibilityChange[];

  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());
  afterEach(async () => {
    await worker?.close();
    await api?.app.close();
    worker = api = undefined;
  });

  /** A fresh FIFO queue pair, the API queuing on it and a worker consuming it. */
  const start = async (workerOverrides: Record<string, string> = {}) => {
    // Redrive well above the worker's attempts: the worker dead-letters with the reason itself.
    queues = await createSystemQueue(sqs, QueueName.BOT_OPERATIONS);
    api = await startApi(botApiEnv(queues, fake));
    ({ app: worker, visibility } = await startBotWorker(queues, fake, workerOverrides));
  };

  const call = <T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown) =>
    http<T>(api!.url, method, path, body);

  /** A guild on the fake with a subscription role, and a channel registered with the API. */
  const channel = async (
    options: { byRole?: boolean; roleAboveBot?: boolean; kickOnRemove?: boolean; botPermissions?: bigint } = {},
  ) => {
    const guild = fake.addGuild({
      roles: [{ permissions: 0n, aboveBot: options.roleAboveBot }],
      ...(options.botPermissions === undefined ? {} : { botPermissions: options.botPermissions }),
    });
    const channelId = fake.addChannel(guild.id);
    const roleId = options.byRole ? guild.roleIds[0] : undefined;
    const created = await adminHttp(api!.url, 'POST', '/subscription-channels', {
      channelId,
      guildId: guild.id,
      ...(roleId ? { roleId } : {}),
      kickOnRemove: options.kickOnRemove ?? false,
    });
    expect(created.status).toBe(201);
    return { guildId: guild.id, channelId, roleId };
  };

  /** A user with a linked Discord account (a guild member unless `inGuild` is false) and a pending subscription. */
  const subscriber = async (ch: { guildId: string; channelId: string }, inGuild = true) => {
    const discordUserId = snowflake();
    if (inGuild) fake.addMember(ch.guildId, discordUserId);
    const user = await prisma.user.create({ data: { username: `u${discordUserId.slice(-6)}`, discordUserId } });
    const subscription = await call<{ id: string; status: string }>('POST', '/subscriptions', {
      userId: user.id,
      channelId: ch.channelId,
    });
    expect(subscription).toMatchObject({ status: 201, body: { status: 'pending' } });
    return { discordUserId, userId: user.id, subscriptionId: subscription.body.id };
  };

  const transition = async (subscriptionId: string, action: 'activate' | 'expire' | 'refund') => {
    const res = await call<{
      subscription: { status: string };
      operation: { operationId: string; messageGroupId: string };
    }>('POST', `/subscriptions/${subscriptionId}/${action}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  const operation = async (id: string) => (await call<Operation>('GET', `/bot-operations/${id}`)).body;
  const settled = (id: string, status: 'done' | 'failed' = 'done') =>
    waitFor(
      async () => {
        const op = await operation(id);
        return op.status === status ? op : undefined;
      },
      { what: `operation ${id} ${status}` },
    );
  /** The SQS message id the outbox sent the operation under. */
  const sqsMessageId = async (operationId: string) =>
    (await prisma.outboxMessage.findFirstOrThrow({ where: { deduplicationId: operationId } })).sqsMessageId ??
    undefined;
  const memberOverwrite = (channelId: string, userId: string) =>
    fake.overwrites(channelId).find((o) => o.id === userId);
  const accessBits = String(
    PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory,
  );

  /** Sends an operation's body again as a new message in its group: a redelivery after it was done. */
  const replay = async (operationId: string) => {
    const sent = await prisma.outboxMessage.findFirstOrThrow({ where: { deduplicationId: operationId } });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageBody: sent.body,
        MessageGroupId: sent.messageGroupId!,
        MessageDeduplicationId: `replay-${randomUUID()}`,
      }),
    );
    await waitFor(
      async () => {
        const d = await queueDepth(sqs, queues.queueUrl);
        return d.visible === 0 && d.inFlight === 0;
      },
      { what: 'the replay consumed' },
    );
  };

  describe('invite', () => {
    it('grants the channel role to a guild member: endpoint → outbox → FIFO → Discord → done, visible through GET', async () => {
      await start();
      const ch = await channel({ byRole: true });
      const sub = await subscriber(ch);

      const { subscription, operation: queued } = await transition(sub.subscriptionId, 'activate');
      expect(subscription.status).toBe('active');
      expect(queued.messageGroupId).toBe(`${sub.discordUserId}:${ch.channelId}`);
      const done = await settled(queued.operationId);

      expect(done).toMatchObject({
        type: 'INVITE_USER',
        attempts: 1,
        error: null,
        result: { outcome: 'applied', access: 'role' },
      });
      expect(fake.memberRoles(ch.guildId, sub.discordUserId)).toEqual([ch.roleId]);
      expect(fake.dms(sub.discordUserId)).toHaveLength(0);
      const shown = await call<{ status: string; operations: Operation[] }>(
        'GET',
        `/subscriptions/${sub.subscriptionId}`,
      );
      expect(shown.body).toMatchObject({ status: 'active', operations: [{ id: queued.operationId, status: 'done' }] });
      // The message carried its type and attempt count as attributes (the DLQ tests read them back too).
      const sent = await prisma.outboxMessage.findFirstOrThrow({ where: { deduplicationId: queued.operationId } });
      expect(sent.attributes).toMatchObject({ operation_type: 'INVITE_USER', attempt_count: 0 });
    });

    it('sets a member overwrite in channels without a role', async () => {
      await start();
      const ch = await channel();
      const sub = await subscriber(ch);
      const done = await settled((await transition(sub.subscriptionId, 'activate')).operation.operationId);
      expect(done.result).toEqual({ outcome: 'applied', access: 'overwrite' });
      expect(memberOverwrite(ch.channelId, sub.discordUserId)).toEqual({
        id: sub.discordUserId,
        type: OverwriteType.Member,
        allow: accessBits,
        deny: '0',
      });
    });

    it('gives a user not in the guild the overwrite (role channel too) and DMs one single-use invite, once, even when redelivered', async () => {
      await start({ BOT_INVITE_MAX_AGE_SECONDS: '3600' });
      const ch = await channel({ byRole: true });
      const sub = await subscriber(ch, false);
      const { operation: queued } = await transition(sub.subscriptionId, 'activate');
      const done = await settled(queued.operationId);

      expect(fake.invites).toEqual([
        expect.objectContaining({ channelId: ch.channelId, max_uses: 1, unique: true, max_age: 3600 }),
      ]);
      const code = fake.invites[0].code;
      expect(done.result).toEqual({
        outcome: 'applied',
        access: 'overwrite',
        awaitingJoin: true,
        inviteCode: code,
        dmMessageId: fake.dms(sub.discordUserId)[0].id,
      });
      expect(fake.dms(sub.discordUserId).map((m) => m.content)).toEqual([
        expect.stringContaining(`https://discord.gg/${code}`),
      ]);
      expect(memberOverwrite(ch.channelId, sub.discordUserId)).toMatchObject({ allow: accessBits });

      // Applied twice: grants once, invites and DMs once.
      await replay(queued.operationId);
      expect(fake.requests.filter((r) => r.method === 'PUT' && r.path.includes('/permissions/'))).toHaveLength(2);
      expect(fake.invites).toHaveLength(1);
      expect(fake.dms(sub.discordUserId)).toHaveLength(1);
      expect(fake.overwrites(ch.channelId).filter((o) => o.id === sub.discordUserId)).toHaveLength(1);
      expect(await operation(queued.operationId)).toMatchObject({ status: 'done', result: done.result });
    });

    it('records a refused DM and keeps the invite code for the API to show', async () => {
      await start();
      const ch = await channel();
      const sub = await subscriber(ch, false);
      fake.failNext({
        method: 'POST',
        path: /^\/channels\/\d+\/messages$/,
        status: 403,
        code: 50007,
        message: 'Cannot send messages to this user',
      });
      const done = await settled((await transition(sub.subscriptionId, 'activate')).operation.operationId);
      expect(done.result).toEqual({
        outcome: 'applied',
        access: 'overwrite',
        awaitingJoin: true,
        inviteCode: fake.invites[0].code,
        dmError: expect.stringMatching(/Cannot send messages to this user/),
      });
    });
  });

  describe('remove', () => {
    it('takes the role away on expiry; a remove after a remove is a no-op success', async () => {
      await start();
      const ch = await channel({ byRole: true });
      const sub = await subscriber(ch);
      await settled((await transition(sub.subscriptionId, 'activate')).operation.operationId);
      const { subscription, operation: queued } = await transition(sub.subscriptionId, 'expire');
      expect(subscription.status).toBe('expired');
      const done = await settled(queued.operationId);

      expect(done).toMatchObject({
        type: 'REMOVE_USER',
        result: { outcome: 'applied', access: 'role', kicked: false },
      });
      expect(fake.memberRoles(ch.guildId, sub.discordUserId)).toEqual([]);
      expect(fake.kicked).toEqual([]);

      await replay(queued.operationId);
      expect(await operation(queued.operationId)).toMatchObject({ status: 'done', error: null });
      expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
    });

    it('removes the overwrite and kicks on refund when the channel is configured to', async () => {
      await start();
      const ch = await channel({ kickOnRemove: true });
      const sub = await subscriber(ch);
      await settled((await transition(sub.subscriptionId, 'activate')).operation.operationId);
      const { operation: queued } = await transition(sub.subscriptionId, 'refund');
      const done = await settled(queued.operationId);

      expect(done.result).toEqual({ outcome: 'applied', access: 'overwrite', kicked: true });
      expect(memberOverwrite(ch.channelId, sub.discordUserId)).toBeUndefined();
      expect(fake.kicked).toEqual([{ guildId: ch.guildId, userId: sub.discordUserId }]);
      expect((await prisma.botOperation.findUniqueOrThrow({ where: { id: queued.operationId } })).reason).toBe(
        'refund',
      );
    });
  });

  describe('verify permissions', () => {
    it('records ok on the listing when the bot has what the channel needs', async () => {
      await start();
      const ch = await channel({ byRole: true, kickOnRemove: true });
      const created = await call<{
        listing: { id: string; permissionCheck: string };
        operation: { operationId: string; messageGroupId: string };
      }>('POST', '/listings', { title: 'VIP', channelId: ch.channelId });
      expect(created).toMatchObject({
        status: 201,
        body: { listing: { permissionCheck: 'pending' }, operation: { messageGroupId: `channel:${ch.channelId}` } },
      });
      await settled(created.body.operation.operationId);
      const listing = await call('GET', `/listings/${created.body.listing.id}`);
      expect(listing.body).toMatchObject({
        permissionCheck: 'ok',
        missingPermissions: [],
        checkedAt: expect.any(String),
        operations: [{ status: 'done' }],
      });
    });

    it('records missing with the names of the flags the bot lacks', async () => {
      await start();
      const ch = await channel({
        kickOnRemove: true,
        botPermissions: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
      });
      const created = await call<{ listing: { id: string }; operation: { operationId: string } }>('POST', '/listings', {
        title: 'VIP',
        channelId: ch.channelId,
      });
      const done = await settled(created.body.operation.operationId);
      const listing = await prisma.listing.findUniqueOrThrow({ where: { id: created.body.listing.id } });
      expect(listing.permissionCheck).toBe('missing');
      expect([...listing.missingPermissions].sort()).toEqual(['CreateInstantInvite', 'KickMembers', 'ManageRoles']);
      expect(done.result).toMatchObject({ outcome: 'applied', missingPermissions: listing.missingPermissions });
    });

    it('records missing ViewChannel, without dead-lettering, when Discord will not show the bot the channel (403)', async () => {
      await start();
      const ch = await channel();
      fake.failNext({ method: 'GET', path: /^\/channels\/\d+$/, status: 403, code: 50001, message: 'Missing Access' });
      const created = await call<{ listing: { id: string }; operation: { operationId: string } }>('POST', '/listings', {
        title: 'VIP',
        channelId: ch.channelId,
      });
      const done = await settled(created.body.operation.operationId);

      expect(done).toMatchObject({
        attempts: 1,
        error: null,
        result: { outcome: 'applied', missingPermissions: ['ViewChannel'] },
      });
      expect(await prisma.listing.findUniqueOrThrow({ where: { id: created.body.listing.id } })).toMatchObject({
        permissionCheck: 'missing',
        missingPermissions: ['ViewChannel'],
      });
      expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
    });

    it('records missing RoleHierarchy when the channel role is not below the bot’s highest role, which Discord would refuse to grant', async () => {
      await start();
      const ch = await channel({ byRole: true, roleAboveBot: true });
      const created = await call<{ listing: { id: string }; operation: { operationId: string } }>('POST', '/listings', {
        title: 'VIP',
        channelId: ch.channelId,
      });
      await settled(created.body.operation.operationId);
      expect(await prisma.listing.findUniqueOrThrow({ where: { id: created.body.listing.id } })).toMatchObject({
        permissionCheck: 'missing',
        missingPermissions: ['RoleHierarchy'],
      });

      // As the check said: granting the role is refused.
      const sub = await subscriber(ch);
      const failed = await settled((await transition(sub.subscriptionId, 'activate')).operation.operationId, 'failed');
      expect(failed.error).toMatch(
        /^DiscordMissingPermissionsError: Discord 403 Missing Permissions \(code 50013\) on PUT \/guilds\/:id\/members\/:id\/roles\/:id/,
      );
      expect(fake.memberRoles(ch.guildId, sub.discordUserId)).toEqual([]);
    });

    it('fails the listing and dead-letters when Discord does not know the channel', async () => {
      await start();
      const guild = fake.addGuild();
      const channelId = snowflake();
      await adminHttp(api!.url, 'POST', '/subscription-channels', { channelId, guildId: guild.id });
      const created = await call<{ listing: { id: string }; operation: { operationId: string } }>('POST', '/listings', {
        title: 'Gone',
        channelId,
      });
      const failed = await settled(created.body.operation.operationId, 'failed');

      expect(failed).toMatchObject({
        attempts: 1,
        error: expect.stringMatching(/^DiscordUnknownResourceError: Discord 404 Unknown Channel/),
      });
      expect((await prisma.listing.findUniqueOrThrow({ where: { id: created.body.listing.id } })).permissionCheck).toBe(
        'failed',
      );
      const [dead] = await drainQueue(sqs, queues.dlqUrl);
      expect(attributesOf(dead)).toMatchObject({
        'error.class': 'DiscordUnknownResourceError',
        'original.receive_count': '1',
        'original.queue': 'bot-operations',
      });
    });
  });

  describe('retries and the DLQ', () => {
    it('keeps a membership in order under retries: a remove queued behind a retrying invite waits for it', async () => {
      await start();
      const ch = await channel();
      const sub = await subscriber(ch);
      fake.failNext({ method: 'PUT', path: /\/permissions\//, status: 503, times: 2 });
      const invite = (await transition(sub.subscriptionId, 'activate')).operation;
      await waitFor(() => fake.requests.some((r) => r.method === 'PUT'), { what: 'the invite failing once' });
      const remove = (await transition(sub.subscriptionId, 'expire')).operation;

      const [invited, removed] = [await settled(invite.operationId), await settled(remove.operationId)];
      // The remove reached the queue while the invite waited for its retry, and still waited its turn:
      const removeSentAt = (
        await prisma.outboxMessage.findFirstOrThrow({ where: { deduplicationId: remove.operationId } })
      ).sentAt!;
      expect(removeSentAt.getTime()).toBeLessThan(Date.parse(invited.completedAt!));
      expect(Date.parse(invited.completedAt!)).toBeLessThanOrEqual(Date.parse(removed.completedAt!));
      // The invite's retry ran after the expiry committed, so it found nothing left to grant.
      expect(invited).toMatchObject({ attempts: 2, result: { outcome: 'skipped' } });
      expect(removed).toMatchObject({ attempts: 1, result: { outcome: 'applied' } });
      expect(retryDelaysOf(visibility, await sqsMessageId(invite.operationId))).toEqual([1]);
      expect(memberOverwrite(ch.channelId, sub.discordUserId)).toBeUndefined(); // final state: no access
    });

    it('backs off 1, 2, 4 s through the message visibility and records the last failure meanwhile', async () => {
      await start();
      const ch = await channel();
      const sub = await subscriber(ch);
      fake.failNext({ method: 'PUT', path: /\/permissions\//, status: 503, times: 3 });
      const { operation: queued } = await transition(sub.subscriptionId, 'activate');
      const retrying = await waitFor(
        async () => {
          const op = await operation(queued.operationId);
          return op.error ? op : undefined;
        },
        { what: 'a recorded failed attempt' },
      );
      expect(retrying).toMatchObject({
        status: 'queued',
        error: expect.stringMatching(/^DiscordUnavailableError: .*\(will retry\)$/),
      });

      const done = await settled(queued.operationId);
      expect(done).toMatchObject({ attempts: 4, error: null });
      expect(retryDelaysOf(visibility, await sqsMessageId(queued.operationId))).toEqual([1, 2, 4]);
      expect(memberOverwrite(ch.channelId, sub.discordUserId)).toBeDefined();
    });

    it('waits out a 429 for Discord’s retry-after instead of the backoff', async () => {
      await start();
      const ch = await channel({ byRole: true });
      const sub = await subscriber(ch);
      fake.failNext({ method: 'PUT', path: /\/roles\//, status: 429, retryAfterSeconds: 3 });
      const { operation: queued } = await transition(sub.subscriptionId, 'activate');
      await settled(queued.operationId);
      expect(retryDelaysOf(visibility, await sqsMessageId(queued.operationId))).toEqual([3]);
    });

    it('keeps an operation on its queue, retried after 300 s, when Discord rejects the bot token (401)', async () => {
      await start();
      const ch = await channel({ byRole: true });
      const sub = await subscriber(ch);
      fake.failNext({ method: 'PUT', path: /\/roles\//, status: 401, message: '401: Unauthorized' });
      const { operation: queued } = await transition(sub.subscriptionId, 'activate');
      const messageId = await waitFor(() => sqsMessageId(queued.operationId), { what: 'the operation sent' });
      await waitFor(() => retryDelaysOf(visibility, messageId).length > 0, { what: 'the retry scheduled' });

      expect(retryDelaysOf(visibility, messageId)).toEqual([300]);
      expect(await operation(queued.operationId)).toMatchObject({ status: 'queued' });
      expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
      expect(await queueDepth(sqs, queues.queueUrl)).toMatchObject({ inFlight: 1 }); // waiting out its delay
    });

    it('dead-letters a refusal (403 Missing Permissions) at once with the error, and records the failure', async () => {
      await start();
      const ch = await channel({ byRole: true });
      const sub = await subscriber(ch);
      fake.failNext({ method: 'PUT', path: /\/roles\//, status: 403, code: 50013 });
      const { operation: queued } = await transition(sub.subscriptionId, 'activate');
      const failed = await settled(queued.operationId, 'failed');

      expect(failed).toMatchObject({
        attempts: 1,
        error: expect.stringMatching(/^DiscordMissingPermissionsError: Discord 403 Missing Permissions \(code 50013\)/),
      });
      const dead = await drainQueue(sqs, queues.dlqUrl);
      expect(dead).toHaveLength(1);
      expect(attributesOf(dead[0])).toMatchObject({
        'error.class': 'DiscordMissingPermissionsError',
        'error.message': expect.stringContaining('Missing Permissions'),
        'original.receive_count': '1',
        'original.message_id': await sqsMessageId(queued.operationId),
      });
      // The body is kept as sent, so it can be replayed unchanged.
      expect(dead[0].Body).toBe(
        (await prisma.outboxMessage.findFirstOrThrow({ where: { deduplicationId: queued.operationId } })).body,
      );
      expect(retryDelaysOf(visibility, await sqsMessageId(queued.operationId))).toEqual([]);
    });

    it('dead-letters an operation that keeps failing once BOT_OPERATIONS_MAX_ATTEMPTS is used', async () => {
      await start({ BOT_OPERATIONS_MAX_ATTEMPTS: '3' });
      const ch = await channel();
      const sub = await subscriber(ch);
      fake.failNext({ method: 'PUT', path: /\/permissions\//, status: 503, times: 10 });
      const { operation: queued } = await transition(sub.subscriptionId, 'activate');
      const failed = await settled(queued.operationId, 'failed');

      expect(failed).toMatchObject({
        attempts: 3,
        error: expect.stringMatching(/^RetriesExhausted:DiscordUnavailableError: Discord 503/),
      });
      const [dead] = await drainQueue(sqs, queues.dlqUrl);
      expect(attributesOf(dead)).toMatchObject({
        'error.class': 'RetriesExhausted:DiscordUnavailableError',
        'original.receive_count': '3',
      });
      expect(retryDelaysOf(visibility, await sqsMessageId(queued.operationId))).toEqual([1, 2]);
    });

    it('dead-letters an unknown operation type and marks its row failed', async () => {
      await start();
      const operationId = randomUUID();
      await prisma.botOperation.create({ data: { id: operationId, type: 'BAN_USER', channelId: snowflake() } });
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queues.queueUrl,
          MessageBody: JSON.stringify({
            operationId,
            type: 'BAN_USER',
            channelId: snowflake(),
            createdAt: new Date().toISOString(),
            maxRetries: 3,
          }),
          MessageGroupId: 'g',
          MessageDeduplicationId: operationId,
        }),
      );
      expect(await settled(operationId, 'failed')).toMatchObject({
        error: 'UnknownMessageTypeError: Unknown bot operation type "BAN_USER"',
      });
      const [dead] = await drainQueue(sqs, queues.dlqUrl);
      expect(attributesOf(dead)['error.class']).toBe('UnknownMessageTypeError');
    });
  });

  describe('API', () => {
    it('answers bad requests and illegal transitions with clear 4xx errors', async () => {
      await start();
      const ch = await channel();
      const unlinked = await prisma.user.create({ data: { username: 'nolink' } });

      expect(
        await adminHttp(api!.url, 'POST', '/subscription-channels', { channelId: ch.channelId, guildId: ch.guildId }),
      ).toMatchObject({ status: 409, body: { message: expect.stringMatching(/already a subscription channel/) } });
      expect(
        await adminHttp(api!.url, 'POST', '/subscription-channels', { channelId: 'general', guildId: ch.guildId }),
      ).toMatchObject({ status: 400, body: { message: ['channelId must be a Discord ID of 17–20 digits'] } });
      expect(await call('POST', '/subscriptions', { userId: 'nobody', channelId: ch.channelId })).toMatchObject({
        status: 404,
      });
      expect(await call('POST', '/subscriptions', { userId: unlinked.id, channelId: snowflake() })).toMatchObject({
        status: 404,
        body: { message: expect.stringMatching(/not a subscription channel/) },
      });
      expect(await call('POST', '/listings', { title: '', channelId: ch.channelId })).toMatchObject({ status: 400 });

      const pending = await call<{ id: string }>('POST', '/subscriptions', {
        userId: unlinked.id,
        channelId: ch.channelId,
      });
      expect(await call('POST', '/subscriptions', { userId: unlinked.id, channelId: ch.channelId })).toMatchObject({
        status: 409,
        body: { message: expect.stringMatching(/already has a pending subscription/) },
      });
      expect(await call('POST', `/subscriptions/${pending.body.id}/activate`)).toMatchObject({
        status: 409,
        body: { message: expect.stringMatching(/no linked Discord account/) },
      });
      expect(await call('POST', `/subscriptions/${pending.body.id}/expire`)).toMatchObject({
        status: 409,
        body: { message: expect.stringMatching(/is pending; it can become expired only from active/) },
      });
      // Nothing half-done: the refused activation left the subscription pending, with no operation.
      expect(await call('GET', `/subscriptions/${pending.body.id}`)).toMatchObject({
        status: 200,
        body: { status: 'pending', operations: [] },
      });
      // A pending subscription never had access: refunded without a bot operation.
      expect(await call('POST', `/subscriptions/${pending.body.id}/refund`)).toMatchObject({
        status: 200,
        body: { subscription: { status: 'refunded' }, operation: null },
      });
      expect(await call('POST', `/subscriptions/${pending.body.id}/refund`)).toMatchObject({ status: 409 });
      expect(await call('GET', `/subscriptions/${randomUUID()}`)).toMatchObject({ status: 404 });
      expect(await call('GET', `/bot-operations/${randomUUID()}`)).toMatchObject({ status: 404 });
      expect(await call('POST', `/subscriptions/${randomUUID()}/activate`)).toMatchObject({ status: 404 });
    });

    it('refuses with 503, changing nothing, when BOT_OPERATIONS_QUEUE_URL is not configured', async () => {
      api = await startApi({ OUTBOX_POLL_INTERVAL_MS: '50' });
      const ch = await channel();
      const sub = await subscriber(ch);
      const res = await call('POST', `/subscriptions/${sub.subscriptionId}/activate`);
      expect(res).toMatchObject({
        status: 503,
        body: {
          error: 'BotOperationRejectedError',
          message: expect.stringMatching(/BOT_OPERATIONS_QUEUE_URL is not configured/),
        },
      });
      expect((await prisma.subscription.findUniqueOrThrow({ where: { id: sub.subscriptionId } })).status).toBe(
        'pending',
      );
      expect(await prisma.outboxMessage.count()).toBe(0);
      expect(await prisma.botOperation.count()).toBe(0);
    });
  });

  describe('subscription roles', () => {
    it('refuses to register a role that carries moderator or administrator permissions', async () => {
      await start();
      const guild = fake.addGuild({
        roles: [
          { permissions: PermissionFlagsBits.Administrator },
          { permissions: PermissionFlagsBits.KickMembers | PermissionFlagsBits.MentionEveryone },
          { permissions: PermissionFlagsBits.ViewChannel },
        ],
      });
      const channelId = fake.addChannel(guild.id);
      const register = (roleId: string) =>
        adminHttp(api!.url, 'POST', '/subscription-channels', { channelId, guildId: guild.id, roleId });

      expect(await register(guild.roleIds[0])).toMatchObject({
        status: 400,
        body: {
          message: expect.stringMatching(/^Role \d+ grants Administrator: a subscription role may only give access/),
        },
      });
      expect(await register(guild.roleIds[1])).toMatchObject({
        status: 400,
        body: { message: expect.stringMatching(/grants KickMembers, MentionEveryone:/) },
      });
      expect(await register(snowflake())).toMatchObject({
        status: 400,
        body: { message: expect.stringMatching(/is not a role of guild/) },
      });
      expect(await register(guild.id)).toMatchObject({
        status: 400,
        body: { message: expect.stringMatching(/is @everyone/) },
      });
      expect(await prisma.subscriptionChannel.count()).toBe(0);
      expect((await register(guild.roleIds[2])).status).toBe(201);
    });

    it('checks the role again before granting it: a role given moderator permissions since registration is not granted', async () => {
      await start();
      const ch = await channel({ byRole: true });
      const sub = await subscriber(ch);
      fake.setRolePermissions(ch.guildId, ch.roleId!, PermissionFlagsBits.ManageRoles);

      const failed = await settled((await transition(sub.subscriptionId, 'activate')).operation.operationId, 'failed');
      expect(failed.error).toMatch(/^UnsafeSubscriptionRoleError: Role \d+ grants ManageRoles/);
      expect(fake.memberRoles(ch.guildId, sub.discordUserId)).toEqual([]);
      const [dead] = await drainQueue(sqs, queues.dlqUrl);
      expect(attributesOf(dead)['error.class']).toBe('UnsafeSubscriptionRoleError');
    });
  });

  describe('the invalid-request budget', () => {
    it('holds Discord calls back, uncounted, once Discord has refused too many, and says so in readiness', async () => {
      await start({ DISCORD_INVALID_REQUEST_BUDGET: '3' });
      const ch = await channel();
      fake.failNext({ path: /./, status: 403, code: 50013, times: 1_000_000 });
      const activate = async () =>
        (await transition((await subscriber(ch)).subscriptionId, 'activate')).operation.operationId;

      // Each invite's first call (the member lookup) is refused for good: three invalid requests.
      for (let i = 0; i < 3; i++) await settled(await activate(), 'failed');
      const refusedSoFar = fake.requests.length;
      const held = [await activate(), await activate()];
      await waitFor(async () => (await Promise.all(held.map(sqsMessageId))).every(Boolean), {
        what: 'the held operations sent',
      });
      await new Promise((r) => setTimeout(r, 4000));

      expect(fake.requests).toHaveLength(refusedSoFar);
      for (const id of held) expect(await operation(id)).toMatchObject({ status: 'queued' });
      // They wait for the window to have room (a wait, not a backoff attempt).
      for (const id of held) expect(retryDelaysOf(visibility, await sqsMessageId(id))).toEqual([expect.any(Number)]);
      for (const id of held) expect(retryDelaysOf(visibility, await sqsMessageId(id))[0]).toBeGreaterThan(500);
      expect(worker!.get(DiscordHealthIndicator).isHealthy()).toEqual({
        discord: {
          status: 'down',
          message: expect.stringMatching(
            /^Discord calls are held back: 3 invalid requests \(401\/403\/429\) in the last 10 minutes reached the budget of 3/,
          ),
        },
      });
      expect((await queueDepth(sqs, queues.dlqUrl)).visible).toBe(3);
    });
  });
});
