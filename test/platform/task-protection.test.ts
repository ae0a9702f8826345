import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { QueueName } from '@discord-backbone/contracts';
import { itemAwarded } from '../factories/prize-events';
import { createUser, seedCommunity } from '../factories/rows';
import { startFakeEcsAgent } from '../support/ecs-agent';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, send, waitFor } from '../support/sqs';
import { startWorker } from '../support/worker';

/** On ECS, a worker task holding messages is protected from scale-in (infra/modules/ecs-worker-service). */
describe('ECS task scale-in protection', () => {
  const { sqs, prisma } = useTestInfra();

  it('is asked for while messages are in hand and lifted when the worker stops', async () => {
    const agent = await startFakeEcsAgent();
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable } = await seedCommunity(prisma);
    const user = await createUser(prisma, 'busy');
    // Hold the account's lock so the award stays in hand until we let go.
    const lock = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await lock.connect();
    let worker: INestApplication | undefined;
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [user.discordUserId]);
      worker = await startWorker(queues, { ECS_AGENT_URI: agent.uri });
      expect(agent.requests).toEqual([]); // nothing in hand yet: nothing to protect
      const { discordUserId } = user;
      await send(
        sqs,
        queues.queueUrl,
        itemAwarded({ discordGuildId: community.discordGuildId, discordUserId, itemTypeId: stackable.id }),
      );
      await waitFor(() => agent.requests.length === 1, { what: 'protection asked for' });
      expect(agent.requests[0]).toEqual({
        method: 'PUT',
        url: '/api/task-1/task-protection/v1/state',
        body: { ProtectionEnabled: true, ExpiresInMinutes: 10 },
      });
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [user.discordUserId]);
      await waitFor(async () => (await prisma.processedMessage.count()) === 1, { what: 'the award applied' });
      await worker.close();
      worker = undefined;
      expect(agent.requests.map((r) => r.body.ProtectionEnabled)).toEqual([true, false]);
    } finally {
      await worker?.close();
      await lock.end();
      await agent.close();
    }
  });
});
