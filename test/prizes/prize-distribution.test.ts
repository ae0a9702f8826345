import { INestApplication } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { characterAwarded, itemAwarded } from '../factories/prize-events';
import { createUser, seedCommunity } from '../factories/rows';
import { snowflake } from '../support/database';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, drainQueue, queueDepth, QueuePair, send, waitFor } from '../support/sqs';
import { startWorker } from '../support/worker';

describe('prize distribution through the real worker, Postgres and SQS', () => {
  const { sqs, prisma } = useTestInfra();
  let queues: QueuePair;
  let worker: INestApplication | undefined;

  beforeEach(async () => {
    queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
  });
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  const processed = (n: number) =>
    waitFor(async () => (await prisma.processedMessage.count()) >= n, { what: `${n} processed messages` });
  const drained = () =>
    waitFor(
      async () => {
        const d = await queueDepth(sqs, queues.queueUrl);
        return d.visible === 0 && d.inFlight === 0;
      },
      { what: 'source queue empty' },
    );

  it('grants a stackable item to a linked user, stacking repeated awards', async () => {
    const { community, stackable } = await seedCommunity(prisma);
    const discordUserId = snowflake();
    const user = await createUser(prisma, 'alice', discordUserId);
    worker = await startWorker(queues);
    const event = itemAwarded({ discordGuildId: community.discordGuildId, discordUserId, itemTypeId: stackable.id });
    await send(sqs, queues.queueUrl, { ...event, quantity: 5 });
    await send(sqs, queues.queueUrl, event); // quantity defaults to 1
    await processed(2);
    await drained();
    const holdings = await prisma.itemHolding.findMany({ where: { userId: user.id } });
    expect(holdings).toHaveLength(1);
    expect(holdings[0].quantity).toBe(6);
    expect(await prisma.pendingOwnership.count()).toBe(0);
  });

  it('grants one holding per unit of a non-stackable item', async () => {
    const { community, unique } = await seedCommunity(prisma);
    const discordUserId = snowflake();
    const user = await createUser(prisma, 'bob', discordUserId);
    worker = await startWorker(queues);
    await send(
      sqs,
      queues.queueUrl,
      itemAwarded({ discordGuildId: community.discordGuildId, discordUserId, itemTypeId: unique.id, quantity: 3 }),
    );
    await processed(1);
    const holdings = await prisma.itemHolding.findMany({ where: { userId: user.id } });
    expect(holdings.map((h) => h.quantity)).toEqual([1, 1, 1]);
  });

  it('creates pending ownership for an unlinked Discord account', async () => {
    const { community, stackable } = await seedCommunity(prisma);
    const discordUserId = snowflake();
    worker = await startWorker(queues);
    await send(
      sqs,
      queues.queueUrl,
      itemAwarded({ discordGuildId: community.discordGuildId, discordUserId, itemTypeId: stackable.id, quantity: 2 }),
    );
    await processed(1);
    const pending = await prisma.pendingOwnership.findMany({ where: { discordUserId } });
    expect(pending).toMatchObject([
      { itemTypeId: stackable.id, quantity: 2, claimedAt: null, communityId: community.id },
    ]);
    expect(await prisma.itemHolding.count()).toBe(0);
  });

  it('transfers an orphaned character to a linked user, or holds it pending for an unlinked one', async () => {
    const { community, orphan } = await seedCommunity(prisma);
    const second = await prisma.character.create({ data: { communityId: community.id, name: 'Another orphan' } });
    const linked = snowflake();
    const user = await createUser(prisma, 'carol', linked);
    const unlinked = snowflake();
    worker = await startWorker(queues);
    const award = (discordUserId: string, characterId: string) =>
      characterAwarded({ discordGuildId: community.discordGuildId, discordUserId, characterId });
    await send(sqs, queues.queueUrl, award(linked, orphan.id));
    await send(sqs, queues.queueUrl, award(unlinked, second.id));
    await processed(2);
    expect((await prisma.character.findUniqueOrThrow({ where: { id: orphan.id } })).ownerId).toBe(user.id);
    expect((await prisma.character.findUniqueOrThrow({ where: { id: second.id } })).ownerId).toBeNull();
    expect(await prisma.pendingOwnership.findMany({ where: { discordUserId: unlinked } })).toMatchObject([
      { characterId: second.id },
    ]);
  });

  it('applies the same event once, whether redelivered or sent three times', async () => {
    const { community, stackable } = await seedCommunity(prisma);
    const discordUserId = snowflake();
    const user = await createUser(prisma, 'dave', discordUserId);
    worker = await startWorker(queues);
    const event = itemAwarded({
      eventId: 'award-42',
      discordGuildId: community.discordGuildId,
      discordUserId,
      itemTypeId: stackable.id,
      quantity: 7,
    });
    await Promise.all([1, 2, 3].map(() => send(sqs, queues.queueUrl, event)));
    await drained();
    const holdings = await prisma.itemHolding.findMany({ where: { userId: user.id } });
    expect(holdings.map((h) => h.quantity)).toEqual([7]);
    expect(await prisma.processedMessage.count()).toBe(1);
    expect(await drainQueue(sqs, queues.dlqUrl)).toHaveLength(0);
  });

  it('consumes nothing when AWS_SQS_ENABLED=false', async () => {
    const { community, stackable } = await seedCommunity(prisma);
    worker = await startWorker(queues, { AWS_SQS_ENABLED: 'false' });
    await send(
      sqs,
      queues.queueUrl,
      itemAwarded({ discordGuildId: community.discordGuildId, itemTypeId: stackable.id }),
    );
    await new Promise((r) => setTimeout(r, 2500)); // several poll intervals of an enabled consumer
    expect(await queueDepth(sqs, queues.queueUrl)).toEqual({ visible: 1, inFlight: 0 });
    expect(await prisma.processedMessage.count()).toBe(0);
  });
});
