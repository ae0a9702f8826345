import { SQSClient } from '@aws-sdk/client-sqs';
import { INestApplication } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { FakeDiscord, startFakeDiscord } from '@discord-backbone/discord-standin';
import { SQS_CLIENT } from '@discord-backbone/queue';
import { backendAnswer } from '../factories/order-threads';
import { itemAwarded } from '../factories/prize-events';
import { createUser, seedCommunity } from '../factories/rows';
import { botApiEnv, startBotWorker } from '../support/bot-operations';
import { snowflake } from '../support/database';
import { adminHttp, http } from '../support/http';
import { useTestInfra } from '../support/infra';
import { orderThreadsRig, seedParticipants } from '../support/order-threads';
import { createSystemQueue, drainQueue, queueDepth, sendBatch, waitFor } from '../support/sqs';
import {
  databaseTarget as pgTarget,
  startTcpProxy,
  TcpProxy,
  databaseUrlThrough as throughProxy,
} from '../support/tcp-proxy';
import { startApi, startWorker } from '../support/worker';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A Postgres failover or outage longer than the retry window must not send anything to the DLQ:
 * consumers pause and hand their messages back uncounted, then resume and apply each exactly once.
 */
describe('riding out dependency outages', () => {
  const { sqs, prisma } = useTestInfra();
  let proxy: TcpProxy | undefined;
  let apps: INestApplication[] = [];

  afterEach(async () => {
    proxy?.restore();
    for (const app of apps.reverse()) await app.close();
    apps = [];
    await proxy?.close();
    proxy = undefined;
  });

  it('prize events sent while Postgres is down are applied once it is back, none dead-lettered', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION, {
      maxReceiveCount: 3,
      visibilityTimeout: 5,
    });
    const { community, stackable } = await seedCommunity(prisma);
    const users = await Promise.all([1, 2, 3].map(async (i) => createUser(prisma, `u${i}`)));
    proxy = await startTcpProxy(pgTarget());
    // Retry window with these settings: 1 s + 2 s before the third receive dead-letters a failing message.
    apps.push(
      await startWorker(queues, {
        DATABASE_URL: throughProxy(proxy),
        SQS_VISIBILITY_TIMEOUT: '5',
        SQS_MAX_RECEIVE_COUNT: '3',
        SQS_RETRY_BASE_DELAY_SECONDS: '1',
        SQS_BATCH_SIZE: '10',
      }),
    );
    const award = (n: number) =>
      itemAwarded({
        discordGuildId: community.discordGuildId,
        discordUserId: users[n % 3].discordUserId,
        itemTypeId: stackable.id,
        quantity: 1,
        eventId: `e${n}`,
      });

    await sendBatch(sqs, queues.queueUrl, [0, 1, 2].map(award));
    await waitFor(async () => (await prisma.processedMessage.count()) === 3, { what: 'the first events' });

    proxy.cut();
    // Longer than the retry window, several times over, with events arriving all along.
    for (let n = 3; n < 33; n += 5) {
      await sendBatch(sqs, queues.queueUrl, [n, n + 1, n + 2, n + 3, n + 4].map(award));
      await sleep(2500);
    }
    expect(await prisma.processedMessage.count()).toBe(3);
    proxy.restore();

    await waitFor(async () => (await prisma.processedMessage.count()) === 33, {
      what: 'every event applied',
      timeoutMs: 60_000,
    });
    await waitFor(
      async () => {
        const depth = await queueDepth(sqs, queues.queueUrl);
        return depth.visible === 0 && depth.inFlight === 0;
      },
      { what: 'the queue drained' },
    );
    const holdings = await prisma.itemHolding.findMany({ where: { itemTypeId: stackable.id } });
    expect(holdings.map((h) => h.quantity).reduce((a, b) => a + b, 0)).toBe(33);
    expect(await drainQueue(sqs, queues.dlqUrl)).toHaveLength(0);
  });

  it('a failover onto a read-only standby (25006) pauses consumers like an outage: nothing is dead-lettered, each event applies once it takes writes again', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION, {
      maxReceiveCount: 3,
      visibilityTimeout: 5,
    });
    const { community, stackable } = await seedCommunity(prisma);
    const user = await createUser(prisma, 'ro');
    // The worker logs in as its own role, whose sessions start read-only: what a standby answers.
    const role = `standby_${snowflake()}`;
    await prisma.$executeRawUnsafe(`CREATE ROLE ${role} LOGIN SUPERUSER`);
    await prisma.$executeRawUnsafe(`ALTER ROLE ${role} SET default_transaction_read_only = on`);
    try {
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.username = role;
      apps.push(
        await startWorker(queues, {
          DATABASE_URL: url.toString(),
          SQS_VISIBILITY_TIMEOUT: '5',
          SQS_MAX_RECEIVE_COUNT: '3',
          SQS_RETRY_BASE_DELAY_SECONDS: '1',
        }),
      );
      const award = (n: number) =>
        itemAwarded({
          discordGuildId: community.discordGuildId,
          discordUserId: user.discordUserId,
          itemTypeId: stackable.id,
          quantity: 1,
          eventId: `ro${n}`,
        });
      await sendBatch(sqs, queues.queueUrl, [0, 1, 2, 3, 4].map(award));
      await sleep(8000); // longer than the retry window (1 s + 2 s before the third receive)
      expect(await prisma.processedMessage.count()).toBe(0);

      // Failed back: new sessions take writes; the old ones are cut, as a failover does.
      await prisma.$executeRawUnsafe(`ALTER ROLE ${role} RESET default_transaction_read_only`);
      await prisma.$executeRawUnsafe(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`,
      );
      await waitFor(async () => (await prisma.processedMessage.count()) === 5, {
        what: 'every event applied',
        timeoutMs: 60_000,
      });
      expect(
        (await prisma.itemHolding.findMany({ where: { itemTypeId: stackable.id } })).map((h) => h.quantity),
      ).toEqual([5]);
      expect(await drainQueue(sqs, queues.dlqUrl)).toHaveLength(0);
    } finally {
      for (const app of apps.splice(0).reverse()) await app.close();
      await prisma.$executeRawUnsafe(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`,
      );
      await prisma.$executeRawUnsafe(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  describe('bot operations', () => {
    let fake: FakeDiscord & { close(): Promise<void> };
    beforeAll(async () => {
      fake = await startFakeDiscord();
    });
    afterAll(() => fake.close());

    it('operations received while Postgres is down wait, then each applies once; nothing is dead-lettered', async () => {
      const queues = await createSystemQueue(sqs, QueueName.BOT_OPERATIONS, { maxReceiveCount: 5 });
      proxy = await startTcpProxy(pgTarget());
      const api = await startApi(botApiEnv(queues, fake));
      apps.push(api.app);
      // Two attempts: without the pause, the outage alone would exhaust them.
      const { app: worker } = await startBotWorker(queues, fake, {
        DATABASE_URL: throughProxy(proxy),
        BOT_OPERATIONS_MAX_ATTEMPTS: '2',
        BOT_OPERATIONS_MAX_RECEIVE_COUNT: '5',
      });
      apps.push(worker);

      const guild = fake.addGuild();
      const channelId = fake.addChannel(guild.id);
      expect(
        (await adminHttp(api.url, 'POST', '/subscription-channels', { channelId, guildId: guild.id })).status,
      ).toBe(201);
      proxy.cut(); // the worker's Postgres only: the API keeps working and queues operations
      const operations: string[] = [];
      const members: string[] = [];
      for (let i = 0; i < 4; i++) {
        const discordUserId = fake.addMember(guild.id);
        members.push(discordUserId);
        const user = await createUser(prisma, `s${i}`, discordUserId);
        const subscription = await http<{ id: string }>(api.url, 'POST', '/subscriptions', {
          userId: user.id,
          channelId,
        });
        const activated = await http<{ operation: { operationId: string } }>(
          api.url,
          'POST',
          `/subscriptions/${subscription.body.id}/activate`,
        );
        operations.push(activated.body.operation.operationId);
      }
      await sleep(12_000);
      expect(await prisma.botOperation.count({ where: { status: { not: 'queued' } } })).toBe(0);
      proxy.restore();

      await waitFor(
        async () => (await prisma.botOperation.count({ where: { id: { in: operations }, status: 'done' } })) === 4,
        { what: 'every operation done', timeoutMs: 60_000 },
      );
      for (const member of members) expect(fake.overwrites(channelId).filter((o) => o.id === member)).toHaveLength(1);
      expect(await drainQueue(sqs, queues.dlqUrl)).toHaveLength(0);
      const puts = fake.requests.filter(
        (r) => r.method === 'PUT' && r.path.startsWith(`/channels/${channelId}/permissions/`),
      );
      expect(puts).toHaveLength(4);
    });
  });

  it('the API’s backend-response consumer waits out its Postgres outage too, then applies the answer once', async () => {
    const rig = await orderThreadsRig(sqs);
    try {
      proxy = await startTcpProxy(pgTarget());
      const { url } = await rig.startApi({
        DATABASE_URL: throughProxy(proxy),
        SQS_MAX_RECEIVE_COUNT: '3',
        SQS_VISIBILITY_TIMEOUT: '5',
      });
      const { customer, community } = await seedParticipants(prisma, rig);
      const order = await http<{ id: string }>(url, 'POST', '/orders', {
        title: 'Outage',
        customerId: customer.id,
        communityId: community.id,
      });
      proxy.cut();
      await sendBatch(sqs, rig.backendQueue.queueUrl, [
        backendAnswer(
          'thread_created',
          order.body.id,
          { thread_id: '123456789012345678', invite_code: 'abc', success: true },
          { entity_type: 'order', request_type: 'create_thread' },
        ),
      ]);
      await sleep(12_000); // three receives' worth of retry window, and more
      proxy.restore();
      await waitFor(
        async () =>
          (await prisma.discordThreadLink.findFirst({ where: { entityId: order.body.id } }))?.status === 'created',
        { what: 'the answer applied', timeoutMs: 40_000 },
      );
      expect(await drainQueue(sqs, rig.backendQueue.dlqUrl)).toHaveLength(0);
    } finally {
      proxy?.restore();
      await rig.close();
    }
  });

  it('backs off polling while SQS is unreachable (no hot loop) and recovers by itself', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable } = await seedCommunity(prisma);
    proxy = await startTcpProxy(new URL(process.env.TEST_SQS_ENDPOINT!));
    const worker = await startWorker(queues, { AWS_ENDPOINT_URL_SQS: proxy.endpoint, SQS_WAIT_TIME_SECONDS: '1' });
    apps.push(worker);
    let receives = 0;
    worker.get<SQSClient>(SQS_CLIENT).middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'ReceiveMessageCommand') receives += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countReceives' },
    );

    proxy.cut();
    await sleep(500);
    receives = 0;
    await sleep(8000);
    // Backing off 1, 2, 4 s… allows a handful of receives in 8 s; an immediate retry would make hundreds.
    expect(receives).toBeLessThanOrEqual(6);

    proxy.restore();
    const event = itemAwarded({ discordGuildId: community.discordGuildId, itemTypeId: stackable.id, quantity: 2 });
    await sendBatch(sqs, queues.queueUrl, [event]);
    await waitFor(async () => (await prisma.pendingOwnership.count()) === 1, {
      what: 'the event applied after SQS came back',
      timeoutMs: 40_000,
    });
  });
});
