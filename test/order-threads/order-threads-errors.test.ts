import { ChannelType } from 'discord.js';
import { MessageAttribute } from '@discord-backbone/contracts';
import { backendAnswer, placeOrder, threadCreatedAnswer, threadCreateFails } from '../factories/order-threads';
import { http } from '../support/http';
import {
  OrderThreadsRig,
  seedParticipants,
  ThreadedView,
  useOrderThreadsRig,
  waitForThread,
} from '../support/order-threads';
import { drainQueue, queueDepth, send, waitFor } from '../support/sqs';
import { startTcpProxy } from '../support/tcp-proxy';
import { startApi } from '../support/worker';

describe('order threads when things go wrong', () => {
  let rig: OrderThreadsRig;
  const { sqs, prisma } = useOrderThreadsRig((current) => (rig = current));

  const threadOf = (base: string, id: string, status: string) => waitForThread(base, `/orders/${id}`, status);

  it('hands a rate-limited message back to the queue with Discord’s retry-after, then creates the thread once', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker();
    rig.discord.failNext(threadCreateFails({ status: 429, retryAfterSeconds: 1 }));

    const { order } = await placeOrder(prisma, rig, url, 'Busy');
    await threadOf(url, order.id, 'created');

    const creates = rig.discord.requests.filter((r) => r.method === 'POST' && /\/channels\/\d+\/threads$/.test(r.path));
    expect(creates).toHaveLength(2); // the refused one and the retry: the client itself never retried or waited
    expect(rig.discord.threads).toHaveLength(1);
  });

  it('answers Missing Permissions with an error response and a DLQ entry carrying the reason', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker();
    rig.discord.failNext(threadCreateFails({ status: 403, code: 50013, message: 'Missing Permissions' }));

    const { order } = await placeOrder(prisma, rig, url, 'Forbidden');
    const failed = await threadOf(url, order.id, 'failed');
    expect(failed.discordThread!.error).toMatch(
      /^DiscordMissingPermissionsError: Discord 403 Missing Permissions \(code 50013\)/,
    );

    const [dead] = await waitFor(
      async () => {
        const messages = await drainQueue(sqs, rig.discordQueue.dlqUrl);
        return messages.length > 0 ? messages : undefined;
      },
      { what: 'DLQ entry' },
    );
    expect(JSON.parse(dead.Body!)).toMatchObject({ type: 'create_thread', metadata: { order_id: order.id } });
    expect(dead.MessageAttributes?.[MessageAttribute.ERROR_CLASS]?.StringValue).toBe('DiscordMissingPermissionsError');
    expect(dead.MessageAttributes?.[MessageAttribute.ERROR_MESSAGE]?.StringValue).toContain('50013');
    expect(rig.discord.threads).toHaveLength(0);
    // No public thread behind the operator's back: the order would be visible to the whole channel.
    expect(rig.discord.requests.filter((r) => r.method === 'POST' && /\/threads$/.test(r.path))).toHaveLength(1);
  });

  it('falls back to a public thread when private ones are refused, where the operator allows it', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker({ DISCORD_THREAD_PUBLIC_FALLBACK: 'true' });
    rig.discord.failNext(threadCreateFails({ status: 403, code: 50013, message: 'Missing Permissions' }));

    const { order } = await placeOrder(prisma, rig, url, 'Public');
    await threadOf(url, order.id, 'created');
    expect(rig.discord.threads.map((t) => t.type)).toEqual([ChannelType.PublicThread]);
  });

  it('does not count rate-limit waits as attempts: more 429s than DISCORD_QUEUE_MAX_ATTEMPTS still end in one thread', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker({ DISCORD_QUEUE_MAX_ATTEMPTS: '2' });
    rig.discord.failNext(threadCreateFails({ status: 429, retryAfterSeconds: 1, times: 3 }));

    const { order } = await placeOrder(prisma, rig, url, 'Patient');
    await threadOf(url, order.id, 'created');
    expect(rig.discord.threads).toHaveLength(1);
    expect(await prisma.messageAttempt.count()).toBe(0); // nothing counted, nothing left behind
  });

  it('dead-letters after DISCORD_QUEUE_MAX_ATTEMPTS failed attempts, answering with the error', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker({ DISCORD_QUEUE_MAX_ATTEMPTS: '3' });
    rig.discord.failNext(threadCreateFails({ status: 503, times: 3 }));

    const { order } = await placeOrder(prisma, rig, url, 'Down');
    const failed = await threadOf(url, order.id, 'failed');
    expect(failed.discordThread!.error).toMatch(/^RetriesExhausted:DiscordUnavailableError: Discord 503/);
    await waitFor(async () => (await queueDepth(sqs, rig.discordQueue.dlqUrl)).visible === 1, { what: 'DLQ entry' });
    const [dead] = await drainQueue(sqs, rig.discordQueue.dlqUrl);
    expect(dead.MessageAttributes?.[MessageAttribute.ERROR_CLASS]?.StringValue).toBe(
      'RetriesExhausted:DiscordUnavailableError',
    );
    expect(rig.discord.requests.filter((r) => r.method === 'POST' && /\/threads$/.test(r.path))).toHaveLength(3);
  });

  it('waits for a lease another delivery holds instead of working on the same thread twice', async () => {
    const { url } = await rig.startApi();
    const { order } = await placeOrder(prisma, rig, url, 'Leased');
    // Another delivery is (as far as anyone can tell) working on it for two more seconds.
    await prisma.threadCreation.create({
      data: {
        entityType: 'order',
        entityId: order.id,
        guildId: rig.guildId,
        channelId: rig.channelId,
        threadName: `Order Leased · ${order.id.slice(0, 8)}`,
        leaseOwner: 'another-delivery',
        leasedUntil: new Date(Date.now() + 2000),
      },
    });
    await rig.startWorker({ DISCORD_QUEUE_MAX_ATTEMPTS: '1' }); // a wait must not be taken for a failure

    await threadOf(url, order.id, 'created');
    expect(rig.discord.threads).toHaveLength(1);
    expect((await prisma.threadCreation.findFirstOrThrow({ where: { entityId: order.id } })).leaseOwner).toBeNull();
  });

  it('records a failed creation with the thread id the error answer names', async () => {
    const { url } = await rig.startApi();
    const { order } = await placeOrder(prisma, rig, url, 'Half');
    await send(
      sqs,
      rig.backendQueue.queueUrl,
      backendAnswer(
        'error',
        order.id,
        {
          success: false,
          thread_id: '123456789012345678',
          error_class: 'RetriesExhausted:DiscordUnavailableError',
          error_message: 'Discord 503',
        },
        { entity_type: 'order', request_type: 'create_thread' },
      ),
    );
    const failed = await threadOf(url, order.id, 'failed');
    expect(failed.discordThread).toMatchObject({
      threadId: '123456789012345678',
      error: 'RetriesExhausted:DiscordUnavailableError: Discord 503',
    });
  });

  it('saves orders without a Discord queue as not_configured and refuses what would need it', async () => {
    const { app, url } = await startApi({ BACKEND_QUEUE_URL: rig.backendQueue.queueUrl });
    try {
      const { customer, community } = await seedParticipants(prisma, rig);
      const { status, body: order } = await http<ThreadedView>(url, 'POST', '/orders', {
        title: 'Nowhere',
        customerId: customer.id,
        communityId: community.id,
      });
      expect(status).toBe(201);
      expect(order.discordThread).toMatchObject({
        status: 'not_configured',
        error: 'DISCORD_QUEUE_URL is not configured',
      });
      expect((await http(url, 'POST', `/orders/${order.id}/messages`, { authorName: 'A', content: 'hi' })).status).toBe(
        409,
      );
      expect(await prisma.outboxMessage.count()).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('never lets a late error answer undo a thread that exists', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker();
    const { order } = await placeOrder(prisma, rig, url, 'Late');
    const created = await threadOf(url, order.id, 'created');

    await send(
      sqs,
      rig.backendQueue.queueUrl,
      backendAnswer('error', order.id, {
        success: false,
        error_class: 'RetriesExhausted:DiscordUnavailableError',
        error_message: 'late',
      }),
    );
    await waitFor(
      async () =>
        (await queueDepth(sqs, rig.backendQueue.queueUrl)).visible +
          (await queueDepth(sqs, rig.backendQueue.queueUrl)).inFlight ===
        0,
      { what: 'answer consumed' },
    );
    const after = await http<ThreadedView>(url, 'GET', `/orders/${order.id}`);
    expect(after.body.discordThread).toEqual(created.discordThread);
  });

  it('keeps an order’s create_thread in the outbox while SQS is unreachable and creates the thread once it is back', async () => {
    const proxy = await startTcpProxy(new URL(process.env.TEST_SQS_ENDPOINT!));
    try {
      proxy.cut();
      // The API talks to SQS only through the cut proxy; it does not consume responses here.
      const { url } = await rig.startApi({ AWS_ENDPOINT_URL_SQS: proxy.endpoint, AWS_SQS_ENABLED: 'false' });
      const { customer, community } = await seedParticipants(prisma, rig);

      const created = await http<ThreadedView>(url, 'POST', '/orders', {
        title: 'Offline',
        customerId: customer.id,
        communityId: community.id,
      });
      expect(created.status).toBe(201);
      const pending = await waitFor(
        async () => (await prisma.outboxMessage.findFirst({ where: { attempts: { gte: 2 } } })) ?? undefined,
        { what: 'failed send attempts' },
      );
      expect(pending.sentAt).toBeNull();
      expect(pending.lastError).toBeTruthy();

      proxy.restore();
      await waitFor(
        async () => (await prisma.outboxMessage.findFirst({ where: { sentAt: { not: null } } })) ?? undefined,
        { what: 'outbox message sent' },
      );
      // A second API instance consumes the answers (the first one has no consumer).
      await rig.startApi();
      await rig.startWorker();
      await threadOf(url, created.body.id, 'created');
      expect(rig.discord.threads).toHaveLength(1);
      expect(await prisma.outboxMessage.count({ where: { sentAt: null } })).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('dead-letters bad messages with the reason: malformed JSON, unknown type, missing fields', async () => {
    await rig.startApi();
    await rig.startWorker();
    await send(sqs, rig.discordQueue.queueUrl, '{"type": "create_thread", ');
    await send(sqs, rig.discordQueue.queueUrl, { type: 'delete_everything', payload: {}, metadata: {} });
    await send(sqs, rig.discordQueue.queueUrl, { type: 'toString', payload: {}, metadata: {} }); // inherited names are not types
    await send(sqs, rig.discordQueue.queueUrl, { type: 'create_thread', payload: { server_id: 'abc' }, metadata: {} });

    await waitFor(async () => (await queueDepth(sqs, rig.discordQueue.dlqUrl)).visible === 4, {
      what: 'four DLQ entries',
    });
    const dead = await drainQueue(sqs, rig.discordQueue.dlqUrl);
    const reasons = dead
      .map(
        (m) =>
          `${m.MessageAttributes?.[MessageAttribute.ERROR_CLASS]?.StringValue}: ${m.MessageAttributes?.[MessageAttribute.ERROR_MESSAGE]?.StringValue}`,
      )
      .sort();
    expect(reasons[0]).toMatch(/^MalformedMessageError: Message body is not valid JSON/);
    expect(reasons[1]).toMatch(/^MessageValidationError: .*server_id must be a Discord ID of 17–20 digits/);
    expect(reasons[2]).toMatch(/^UnknownMessageTypeError: Unknown message type "delete_everything"/);
    expect(reasons[3]).toMatch(/^UnknownMessageTypeError: Unknown message type "toString"/);
    expect(rig.discord.requests).toHaveLength(0);
  });

  it('dead-letters an answer about an order the backend never asked for', async () => {
    await rig.startApi();
    const orderId = '0b7c1e3a-2f4d-4c5b-9a8e-1d2c3b4a5f6e';
    await send(
      sqs,
      rig.backendQueue.queueUrl,
      threadCreatedAnswer(
        orderId,
        { threadId: '123456789012345678', inviteCode: 'abc' },
        { entity_type: 'order', request_type: 'create_thread' },
      ),
    );
    const [dead] = await waitFor(
      async () => {
        const messages = await drainQueue(sqs, rig.backendQueue.dlqUrl);
        return messages.length > 0 ? messages : undefined;
      },
      { what: 'DLQ entry' },
    );
    expect(dead.MessageAttributes?.[MessageAttribute.ERROR_CLASS]?.StringValue).toBe('NotFoundError');
    expect(dead.MessageAttributes?.[MessageAttribute.ERROR_MESSAGE]?.StringValue).toBe(
      `No order ${orderId} asked for a Discord thread`,
    );
  });
});
