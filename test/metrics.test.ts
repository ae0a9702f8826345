import { INestApplication } from '@nestjs/common';
import { seedCommunity, snowflake } from './support/database';
import { http } from './support/http';
import { useTestInfra } from './support/infra';
import { orderThreadsRig, seedParticipants } from './support/order-threads';
import { createQueuePair, send, waitFor } from './support/sqs';
import { captureTelemetry } from './support/telemetry';
import { startWorker } from './support/worker';

const { metrics } = captureTelemetry();

/** Metrics read back through an in-memory reader after real flows. */
describe('metrics', () => {
  const { sqs, prisma } = useTestInfra();
  let worker: INestApplication | undefined;
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  it('counts every message by consumer and outcome, with its processing time, batch size and queue lag', async () => {
    const queues = await createQueuePair(sqs);
    const { community, stackable } = await seedCommunity(prisma);
    const consumer = { 'messaging.destination.name': 'prize-distribution' };
    const before = {
      applied: await metrics.value('messaging.client.consumed.messages', { ...consumer, 'messaging.outcome': 'applied' }),
      dead: await metrics.value('messaging.client.consumed.messages', { ...consumer, 'messaging.outcome': 'dead_lettered', 'error.type': 'MalformedMessageError' }),
      duration: await metrics.value('messaging.process.duration', consumer),
    };
    const award = { eventType: 'ITEM_AWARDED', discordGuildId: community.discordGuildId, itemTypeId: stackable.id, quantity: 1 };
    await send(sqs, queues.queueUrl, { ...award, discordUserId: snowflake() });
    await send(sqs, queues.queueUrl, { ...award, discordUserId: snowflake() });
    await send(sqs, queues.queueUrl, '{"eventType": "ITEM_AWARDED",');
    worker = await startWorker(queues);
    await waitFor(async () => (await prisma.pendingOwnership.count()) === 2, { what: 'two grants' });
    await waitFor(async () => (await metrics.value('messaging.client.consumed.messages', { ...consumer, 'messaging.outcome': 'dead_lettered' })) > before.dead, { what: 'the dead-letter counted' });

    expect(await metrics.value('messaging.client.consumed.messages', { ...consumer, 'messaging.outcome': 'applied' })).toBe(before.applied + 2);
    expect(await metrics.value('messaging.client.consumed.messages', { ...consumer, 'messaging.outcome': 'dead_lettered', 'error.type': 'MalformedMessageError' })).toBe(before.dead + 1);
    expect(await metrics.value('messaging.process.duration', consumer)).toBe(before.duration + 3);
    expect(await metrics.value('messaging.batch.message_count', consumer)).toBeGreaterThan(0);
    expect(await metrics.value('messaging.process.lag', consumer)).toBeGreaterThanOrEqual(3);
  });

  it('reports the outbox: messages waiting and the oldest one’s age', async () => {
    const rig = await orderThreadsRig(sqs);
    try {
      const { url } = await rig.startApi({ OUTBOX_RELAY_ENABLED: 'false' });
      const { customer, community } = await seedParticipants(prisma, rig);
      for (const title of ['one', 'two']) expect((await http(url, 'POST', '/orders', { title, customerId: customer.id, communityId: community.id })).status).toBe(201);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await metrics.value('outbox.messages.waiting', { 'messaging.destination.name': 'discord' })).toBe(2);
      expect(await metrics.value('outbox.oldest_message.age', { 'messaging.destination.name': 'discord' })).toBeGreaterThanOrEqual(1);
    } finally {
      await rig.close();
    }
  });
});
