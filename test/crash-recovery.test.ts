import { seedCommunity, snowflake } from './support/database';
import { createQueuePair, drainQueue, queueDepth, send, waitFor } from './support/sqs';
import { useTestInfra } from './support/infra';
import { spawnWorker } from './support/worker-process';

/** Deterministic "random" kill points, so a failure can be replayed. */
function* pseudoRandom(seed: number): Generator<number> {
  for (let x = seed; ; ) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield x / 2 ** 31;
  }
}

describe('crash recovery', () => {
  const { sqs, prisma } = useTestInfra();


  it('a worker killed with SIGKILL at random points and restarted applies every event exactly once', async () => {
    // Generous receive limit: a message caught in several crashes must not be redriven.
    const queues = await createQueuePair(sqs, { maxReceiveCount: 20, visibilityTimeout: 2 });
    const { community, stackable, unique } = await seedCommunity(prisma);
    const linked = await Promise.all([1, 2, 3, 4].map((i) => prisma.user.create({ data: { username: `k${i}`, discordUserId: snowflake() } })));
    const unlinked = snowflake();
    const events = 200;
    const expected = { stackable: 0, unique: 0, pending: 0 };
    for (let i = 0; i < events; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => {
          const n = i + j;
          const quantity = (n % 3) + 1;
          if (n % 10 === 9) {
            expected.pending += quantity;
            return send(sqs, queues.queueUrl, { eventType: 'ITEM_AWARDED', eventId: `e${n}`, discordGuildId: community.discordGuildId, discordUserId: unlinked, itemTypeId: stackable.id, quantity });
          }
          const itemType = n % 7 === 0 ? unique : stackable;
          expected[itemType === unique ? 'unique' : 'stackable'] += quantity;
          return send(sqs, queues.queueUrl, { eventType: 'ITEM_AWARDED', eventId: `e${n}`, discordGuildId: community.discordGuildId, discordUserId: linked[n % 4].discordUserId, itemTypeId: itemType.id, quantity });
        }),
      );
    }

    const random = pseudoRandom(42);
    const env = { SQS_VISIBILITY_TIMEOUT: '2', SQS_BATCH_SIZE: '10', SQS_MAX_RECEIVE_COUNT: '20' };
    for (let crash = 0; crash < 4; crash++) {
      const worker = await spawnWorker(queues, env);
      await new Promise((r) => setTimeout(r, 150 + random.next().value * 600));
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    const applied = await prisma.processedMessage.count();
    expect(applied).toBeLessThan(events); // the crashes really interrupted the work

    const survivor = await spawnWorker(queues, env);
    try {
      await waitFor(async () => (await prisma.processedMessage.count()) === events, { what: 'all events applied', timeoutMs: 60000 });
      await waitFor(async () => {
        const d = await queueDepth(sqs, queues.queueUrl);
        return d.visible === 0 && d.inFlight === 0;
      }, { what: 'queue empty' });
    } finally {
      survivor.child.kill('SIGTERM');
      await survivor.exited;
    }

    const sum = async (itemTypeId: string) => (await prisma.itemHolding.aggregate({ where: { itemTypeId }, _sum: { quantity: true } }))._sum.quantity ?? 0;
    expect(await sum(stackable.id)).toBe(expected.stackable);
    expect(await sum(unique.id)).toBe(expected.unique);
    expect((await prisma.pendingOwnership.aggregate({ _sum: { quantity: true } }))._sum.quantity).toBe(expected.pending);
    expect(await prisma.itemHolding.count({ where: { itemTypeId: stackable.id } })).toBe(4); // one stack per linked user
    expect(await drainQueue(sqs, queues.dlqUrl)).toHaveLength(0);
  });
});
