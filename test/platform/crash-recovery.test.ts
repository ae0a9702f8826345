import { QueueName } from '@discord-backbone/contracts';
import { itemAwarded } from '../factories/prize-events';
import { createUser, seedCommunity } from '../factories/rows';
import { snowflake } from '../support/database';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, drainQueue, queueDepth, sendBatch, waitFor } from '../support/sqs';
import { spawnWorker } from '../support/worker-process';

/** Deterministic "random" kill points, so a failure can be replayed. */
function* pseudoRandom(seed: number): Generator<number> {
  for (let x = seed; ;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield x / 2 ** 31;
  }
}

describe('crash recovery', () => {
  const { sqs, prisma } = useTestInfra();

  it('a worker killed with SIGKILL at pseudo-random points and restarted applies every event exactly once', async () => {
    // Generous receive limit: a message caught in several crashes must not be redriven.
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION, {
      maxReceiveCount: 20,
      visibilityTimeout: 3,
    });
    const { community, stackable, unique } = await seedCommunity(prisma);
    const linked = await Promise.all([1, 2, 3, 4].map((i) => createUser(prisma, `k${i}`)));
    const unlinked = snowflake();
    // Enough that four short lives of a worker (2,000+ events/s here) cannot drain them all.
    const events = 8000;
    const expected = { stackable: 0, unique: 0, pending: 0 };
    const bodies = Array.from({ length: events }, (_, n) => {
      const quantity = (n % 3) + 1;
      const award = (discordUserId: string | null, itemTypeId: string) =>
        itemAwarded({
          eventId: `e${n}`,
          discordGuildId: community.discordGuildId,
          quantity,
          discordUserId,
          itemTypeId,
        });
      if (n % 10 === 9) {
        expected.pending += quantity;
        return award(unlinked, stackable.id);
      }
      const itemType = n % 7 === 0 ? unique : stackable;
      expected[itemType === unique ? 'unique' : 'stackable'] += quantity;
      return award(linked[n % 4].discordUserId, itemType.id);
    });
    for (let i = 0; i < events; i += 100) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          sendBatch(sqs, queues.queueUrl, bodies.slice(i + j * 10, i + j * 10 + 10)),
        ),
      );
    }

    const random = pseudoRandom(42);
    const env = { SQS_VISIBILITY_TIMEOUT: '3', SQS_BATCH_SIZE: '10', SQS_MAX_RECEIVE_COUNT: '20' };
    let caughtInFlight = 0;
    for (let crash = 0; crash < 4; crash++) {
      const worker = await spawnWorker(queues, env);
      await new Promise((r) => setTimeout(r, 100 + random.next().value * 500));
      worker.child.kill('SIGKILL');
      await worker.exited;
      caughtInFlight += (await queueDepth(sqs, queues.queueUrl)).inFlight;
    }
    // The crashes really interrupted work: messages were left mid-batch, and some remain.
    expect(caughtInFlight).toBeGreaterThan(0);
    expect(await prisma.processedMessage.count()).toBeLessThan(events);

    const survivor = await spawnWorker(queues, env);
    try {
      await waitFor(async () => (await prisma.processedMessage.count()) === events, {
        what: 'all events applied',
        timeoutMs: 60000,
      });
      await waitFor(
        async () => {
          const d = await queueDepth(sqs, queues.queueUrl);
          return d.visible === 0 && d.inFlight === 0;
        },
        { what: 'queue empty' },
      );
    } finally {
      survivor.child.kill('SIGTERM');
      await survivor.exited;
    }

    const sum = async (itemTypeId: string) =>
      (await prisma.itemHolding.aggregate({ where: { itemTypeId }, _sum: { quantity: true } }))._sum.quantity ?? 0;
    expect(await sum(stackable.id)).toBe(expected.stackable);
    expect(await sum(unique.id)).toBe(expected.unique);
    expect((await prisma.pendingOwnership.aggregate({ _sum: { quantity: true } }))._sum.quantity).toBe(
      expected.pending,
    );
    expect(await prisma.itemHolding.count({ where: { itemTypeId: stackable.id } })).toBe(4); // one stack per linked user
    expect(await drainQueue(sqs, queues.dlqUrl)).toHaveLength(0);
  });
});
