import { ChannelType } from 'discord.js';
import { MessageAttribute } from '@discord-backbone/contracts';
import { ThreadAnswerHandler } from '@discord-backbone/order-threads';
import { createThread, threadCreatedAnswer } from '../factories/order-threads';
import { createUser, queuedOrder } from '../factories/rows';
import { adminHttp, http } from '../support/http';
import {
  OrderThreadsRig,
  seedParticipants,
  ThreadedView,
  useOrderThreadsRig,
  waitForThread,
} from '../support/order-threads';
import { drainQueue, queueDepth, send, waitFor } from '../support/sqs';

describe('order threads: API → outbox → Discord queue → worker → Discord → backend queue → API', () => {
  let rig: OrderThreadsRig;
  const { sqs, prisma } = useOrderThreadsRig((current) => (rig = current));

  it('queues the spec’s create_thread message at once and stores nothing from Discord until it answers', async () => {
    const { url } = await rig.startApi();
    const { customer, assignee, community } = await seedParticipants(prisma, rig);

    const created = await http<ThreadedView & { status: string }>(url, 'POST', '/orders', {
      title: 'Carry run',
      customerId: customer.id,
      assignedId: assignee.id,
      communityId: community.id,
    });
    expect(created.status).toBe(201);
    expect(created.body.discordThread).toMatchObject({ status: 'queued', threadId: null });

    const [message] = await waitFor(
      async () => {
        const received = await drainQueue(sqs, rig.discordQueue.queueUrl);
        return received.length > 0 ? received : undefined;
      },
      { what: 'create_thread on the Discord queue' },
    );
    const body = JSON.parse(message.Body!) as Record<string, Record<string, unknown>>;
    expect(Object.keys(body).sort()).toEqual(['metadata', 'payload', 'type']);
    expect(body.type).toBe('create_thread');
    expect(body.payload).toEqual({
      server_id: rig.guildId,
      channel_id: rig.channelId,
      members: [customer.discordUserId, assignee.discordUserId],
      order: expect.objectContaining({
        order_id: created.body.id,
        customer_id: customer.id,
        assigned_id: assignee.id,
        title: 'Carry run',
        kind: 'order',
      }) as unknown,
      customer_discord_id: customer.discordUserId,
    });
    expect(body.metadata).toEqual({
      order_id: created.body.id,
      entity_type: 'order',
      created_at: expect.any(String) as unknown,
      retry_count: 0,
    });
    expect(message.MessageAttributes?.type?.StringValue).toBe('create_thread');
  });

  it('creates the thread for an order: private thread, members added, welcome, invite, thread_created applied', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker();
    const { customer, assignee, community } = await seedParticipants(prisma, rig);

    const { body: order } = await http<ThreadedView>(url, 'POST', '/orders', {
      title: 'Carry run',
      customerId: customer.id,
      assignedId: assignee.id,
      communityId: community.id,
    });
    const done = await waitForThread(url, `/orders/${order.id}`, 'created');

    const [thread] = rig.discord.threads;
    expect(rig.discord.threads).toHaveLength(1);
    expect(thread).toMatchObject({ type: ChannelType.PrivateThread, parent_id: rig.channelId });
    expect(done.discordThread).toMatchObject({
      threadId: thread.id,
      inviteCode: rig.discord.invites[0].code,
      error: null,
    });
    // An invite code is a secret: a fresh invite (never a shared one of the channel), single-use, expiring in a day.
    expect(rig.discord.invites).toEqual([
      { code: expect.any(String) as unknown, channelId: rig.channelId, max_uses: 1, unique: true, max_age: 86400 },
    ]);
    expect(rig.discord.threadMembers(thread.id)).toEqual(
      expect.arrayContaining([customer.discordUserId, assignee.discordUserId]),
    );
    const [welcome] = rig.discord.messages(thread.id);
    expect(welcome.content).toContain(`<@${customer.discordUserId}>`);
    expect(done.discordThread!.details).toMatchObject({ discord_message_id: welcome.id, member_failures: [] });
  });

  it('creates the thread for an offer session placed with a contractor', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker();
    const { customer } = await seedParticipants(prisma, rig);
    const contractor = await adminHttp<{ id: string }>(url, 'POST', '/contractors', {
      name: 'Carriers',
      discordGuildId: rig.guildId,
      discordThreadChannelId: rig.channelId,
    });
    expect(contractor.status).toBe(201);

    const { status, body: session } = await http<ThreadedView>(url, 'POST', '/offer-sessions', {
      customerId: customer.id,
      contractorId: contractor.body.id,
    });
    expect(status).toBe(201);
    const done = await waitForThread(url, `/offer-sessions/${session.id}`, 'created');
    expect(done.discordThread!.threadId).toBe(rig.discord.threads[0].id);
    expect(rig.discord.threads[0].name).toContain(session.id.slice(0, 8));
  });

  it('records an order without Discord configuration as not_configured and queues nothing', async () => {
    const { url } = await rig.startApi();
    const { customer } = await seedParticipants(prisma, rig);
    const contractor = await adminHttp<{ id: string }>(url, 'POST', '/contractors', { name: 'No Discord' });

    const { status, body } = await http<ThreadedView>(url, 'POST', '/orders', {
      title: 'Quiet',
      customerId: customer.id,
      contractorId: contractor.body.id,
    });
    expect(status).toBe(201);
    expect(body.discordThread).toMatchObject({
      status: 'not_configured',
      error: expect.stringContaining('no Discord server') as unknown,
    });
    expect(await prisma.outboxMessage.count()).toBe(0);
    // Phase 4 requests have nowhere to go either: a chat message is refused, a status change just applies.
    expect((await http(url, 'POST', `/orders/${body.id}/messages`, { authorName: 'A', content: 'hi' })).status).toBe(
      409,
    );
    expect((await http(url, 'PATCH', `/orders/${body.id}/status`, { status: 'in_progress' })).status).toBe(200);
    expect(await prisma.outboxMessage.count()).toBe(0);
  });

  it('answers 400 with the reasons for bad order input and 404 for unknown references', async () => {
    const { url } = await rig.startApi();
    const { customer } = await seedParticipants(prisma, rig);
    const bad = await http<{ message: string[] }>(url, 'POST', '/orders', { title: '', customerId: customer.id });
    expect(bad.status).toBe(400);
    expect(bad.body.message.join(' ')).toMatch(/title[\s\S]*communityId is required/);
    expect((await http(url, 'POST', '/orders', { title: 'x', customerId: 'nobody', communityId: 'none' })).status).toBe(
      404,
    );
    expect((await http(url, 'GET', '/orders/not-a-uuid')).status).toBe(400);
    expect(
      (await http(url, 'PATCH', `/orders/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/status`, { status: 'done' }))
        .status,
    ).toBe(400);
  });

  it('reports a member Discord refuses as a partial success and still creates the thread', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker();
    const { customer, community } = await seedParticipants(prisma, rig);
    const stranger = await createUser(prisma, 'not in guild');

    const { body: order } = await http<ThreadedView>(url, 'POST', '/orders', {
      title: 'Partial',
      customerId: customer.id,
      assignedId: stranger.id,
      communityId: community.id,
    });
    const done = await waitForThread(url, `/orders/${order.id}`, 'partial');

    expect(done.discordThread!.threadId).toBe(rig.discord.threads[0].id);
    expect(done.discordThread!.error).toContain(`member ${stranger.discordUserId} not added`);
    expect(done.discordThread!.details).toMatchObject({
      member_failures: [
        {
          discord_id: stranger.discordUserId,
          error_class: 'DiscordUnknownResourceError',
          reason: expect.stringContaining('10007') as unknown,
        },
      ],
    });
    expect(rig.discord.threadMembers(rig.discord.threads[0].id)).toContain(customer.discordUserId);
  });

  it('gives the thread’s invite one use per member who could not be added, and the lifetime DISCORD_THREAD_INVITE_MAX_AGE_SECONDS says', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker({ DISCORD_THREAD_INVITE_MAX_AGE_SECONDS: '3600' });
    const { community } = await seedParticipants(prisma, rig);
    const [a, b] = await Promise.all(['stranger a', 'stranger b'].map((username) => createUser(prisma, username)));

    const { body: order } = await http<ThreadedView>(url, 'POST', '/orders', {
      title: 'Strangers',
      customerId: a.id,
      assignedId: b.id,
      communityId: community.id,
    });
    const done = await waitForThread(url, `/orders/${order.id}`, 'partial');
    expect(rig.discord.invites).toEqual([
      { code: done.discordThread!.inviteCode, channelId: rig.channelId, max_uses: 2, unique: true, max_age: 3600 },
    ]);
  });

  it('never creates a second thread: duplicate deliveries, and a redelivery after a crash between create and record', async () => {
    await rig.startApi();
    const { customer, community } = await seedParticipants(prisma, rig);
    const orderId = '6f9619ff-8b86-4d11-b42d-00c04fc964ff';
    await queuedOrder(prisma, { id: orderId, title: 'Dup', customerId: customer.id, communityId: community.id });
    const message = createThread(
      {
        server_id: rig.guildId,
        channel_id: rig.channelId,
        members: [customer.discordUserId],
        // The spec's "full order object … other fields": unknown fields are carried, not refused.
        order: {
          order_id: orderId,
          customer_id: customer.id,
          title: 'Dup',
          price: { amount: 10, currency: 'aUEC' },
          priority: 'high',
        },
        customer_discord_id: customer.discordUserId,
      },
      { order_id: orderId },
    );
    // A crash after Discord created the thread and before the id was recorded: progress exists, id does not.
    await prisma.threadCreation.create({
      data: {
        entityType: 'order',
        entityId: orderId,
        guildId: rig.guildId,
        channelId: rig.channelId,
        threadName: 'Order Dup · 6f9619ff',
      },
    });
    const lost = rig.discord.threads.length;
    const orphanThreadId = (
      (await (
        await fetch(`${rig.discord.apiUrl}/v10/channels/${rig.channelId}/threads`, {
          method: 'POST',
          headers: { authorization: `Bot ${rig.discord.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Order Dup · 6f9619ff', type: ChannelType.PrivateThread }),
        })
      ).json()) as { id: string }
    ).id;
    expect(rig.discord.threads).toHaveLength(lost + 1);

    for (let i = 0; i < 3; i++) await send(sqs, rig.discordQueue.queueUrl, message);
    await rig.startWorker();
    await waitFor(
      async () =>
        (await prisma.threadCreation.findFirst({ where: { entityId: orderId, completedAt: { not: null } } })) ??
        undefined,
      { what: 'thread creation completed' },
    );
    await waitFor(
      async () =>
        (await drainQueue(sqs, rig.discordQueue.queueUrl)).length === 0 &&
        (await prisma.discordThreadLink.findFirst({ where: { entityId: orderId, status: 'created' } })),
      { what: 'answered' },
    );

    expect(rig.discord.threads.map((t) => t.id)).toEqual([orphanThreadId]);
    expect(rig.discord.messages(orphanThreadId)).toHaveLength(1); // one welcome, not three
    expect((await prisma.discordThreadLink.findFirstOrThrow({ where: { entityId: orderId } })).threadId).toBe(
      orphanThreadId,
    );
  });

  it('applies a thread_created shaped exactly as the spec shows it (no entity_type or request_type)', async () => {
    await rig.startApi();
    const { customer, community } = await seedParticipants(prisma, rig);
    const order = await queuedOrder(prisma, { title: 'Spec', customerId: customer.id, communityId: community.id });
    await send(
      sqs,
      rig.backendQueue.queueUrl,
      threadCreatedAnswer(
        order.id,
        { threadId: '123456789012345678', inviteCode: 'invite_code_here' },
        { created_at: '2024-01-01T00:00:00.000Z' },
      ),
    );
    const link = await waitFor(
      async () =>
        (await prisma.discordThreadLink.findFirst({ where: { entityId: order.id, status: 'created' } })) ?? undefined,
      { what: 'applied' },
    );
    expect(link).toMatchObject({ threadId: '123456789012345678', inviteCode: 'invite_code_here' });
  });

  it('hands thread_created to the host’s ThreadAnswerHandler once, though the answer is delivered again', async () => {
    const { app } = await rig.startApi();
    const handler = app.get(ThreadAnswerHandler, { strict: false });
    const threadCreated = jest.spyOn(handler, 'threadCreated');
    const { customer, community } = await seedParticipants(prisma, rig);
    const order = await queuedOrder(prisma, { title: 'Twice', customerId: customer.id, communityId: community.id });
    const answer = threadCreatedAnswer(
      order.id,
      { threadId: '123456789012345678', inviteCode: 'invite_code_here' },
      { created_at: '2024-01-01T00:00:00.000Z', entity_type: 'order' },
    );
    const first = await send(sqs, rig.backendQueue.queueUrl, answer);
    await waitFor(
      async () =>
        (await prisma.discordThreadLink.findFirst({ where: { entityId: order.id, status: 'created' } })) ?? undefined,
      { what: 'applied' },
    );
    // The same message again, as SQS redelivers it or an operator redrives it from the DLQ.
    await send(sqs, rig.backendQueue.queueUrl, answer, {
      [MessageAttribute.ORIGINAL_MESSAGE_ID]: { DataType: 'String', StringValue: first },
    });
    await waitFor(
      async () => {
        const { visible, inFlight } = await queueDepth(sqs, rig.backendQueue.queueUrl);
        return visible + inFlight === 0;
      },
      { what: 'redelivery consumed' },
    );
    expect(threadCreated).toHaveBeenCalledTimes(1);
    expect(threadCreated.mock.calls[0][0]).toMatchObject({
      entityId: order.id,
      entityType: 'order',
      threadId: '123456789012345678',
      inviteCode: 'invite_code_here',
    });
  });

  it('Phase 4: status updates, assignment and chat forwarding reach the thread once and are answered', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker();
    const { customer, assignee, community } = await seedParticipants(prisma, rig);
    const { body: order } = await http<ThreadedView>(url, 'POST', '/orders', {
      title: 'Phase 4',
      customerId: customer.id,
      communityId: community.id,
    });
    // Queued right behind create_thread: the worker applies them after the thread exists.
    expect((await http(url, 'PATCH', `/orders/${order.id}/status`, { status: 'in_progress' })).status).toBe(200);
    expect((await http(url, 'POST', `/orders/${order.id}/assignee`, { userId: assignee.id })).status).toBe(200);
    const chat = await http<{ id: string; status: string }>(url, 'POST', `/orders/${order.id}/messages`, {
      authorName: 'Customer',
      content: 'Ready when you are @everyone',
    });
    expect(chat.status).toBe(202);

    const done = await waitFor(
      async () => {
        const { body } = await http<ThreadedView>(url, 'GET', `/orders/${order.id}`);
        return body.discordRequests?.length === 3 && body.discordRequests.every((r) => r.status === 'done')
          ? body
          : undefined;
      },
      { what: 'three Phase 4 requests done' },
    );
    const threadId = done.discordThread!.threadId!;
    expect(done.discordRequests!.map((r) => r.type)).toEqual([
      'update_order_status',
      'assign_user',
      'forward_chat_message',
    ]);
    const contents = rig.discord.messages(threadId).map((m) => m.content);
    expect(contents).toEqual([
      expect.stringContaining('Welcome'),
      'Order status: not_started → **in_progress**',
      '**Customer** (marketplace): Ready when you are @everyone',
    ]);
    expect(rig.discord.threadMembers(threadId)).toContain(assignee.discordUserId);
    const forwarded = rig.discord.requests.find(
      (r) => r.method === 'POST' && r.path.endsWith('/messages') && JSON.stringify(r.body).includes('marketplace'),
    );
    expect((forwarded!.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [], users: [] });
  });
});
