import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Client } from 'pg';
import { QueueName } from '@discord-backbone/contracts';
import { itemAwarded } from '../factories/prize-events';
import { createUser, seedCommunity } from '../factories/rows';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, queueDepth, send, waitFor } from '../support/sqs';
import { startTcpProxy } from '../support/tcp-proxy';
import { spawnWorker } from '../support/worker-process';

/** The worker as a separate process: signals, crashes and restarts. */
describe('worker process lifecycle', () => {
  const { sqs, prisma } = useTestInfra();

  it('is ready only when Postgres and its queue answer', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const worker = await spawnWorker(queues);
    try {
      const ready = await fetch(`http://127.0.0.1:${worker.port}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ info: { postgres: { status: 'up' }, sqs: { status: 'up' } } });
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  });

  // The orchestrator restarts a pod whose liveness fails: an outage of Postgres or SQS must take
  // replicas out of rotation (readiness), never restart them all (infra/k8s probes rely on it).
  it('stays live while Postgres and SQS are unreachable; only readiness goes down', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const postgresUrl = new URL(process.env.TEST_DATABASE_URL!);
    const postgres = await startTcpProxy(new URL(`tcp://${postgresUrl.hostname}:${postgresUrl.port || 5432}`));
    const sqsProxy = await startTcpProxy(new URL(process.env.TEST_SQS_ENDPOINT!));
    const viaProxy = new URL(postgresUrl);
    viaProxy.port = new URL(postgres.endpoint).port;
    const worker = await spawnWorker(queues, {
      DATABASE_URL: viaProxy.toString(),
      AWS_ENDPOINT_URL_SQS: sqsProxy.endpoint,
    });
    const probe = async (path: string) => (await fetch(`http://127.0.0.1:${worker.port}${path}`)).status;
    try {
      expect(await probe('/health/ready')).toBe(200);
      postgres.cut();
      sqsProxy.cut();
      await waitFor(async () => (await probe('/health/ready')) === 503, { what: 'readiness down' });
      expect(await probe('/health/live')).toBe(200);
      postgres.restore();
      sqsProxy.restore();
      await waitFor(async () => (await probe('/health/ready')) === 200, { what: 'readiness back' });
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
      await Promise.all([postgres.close(), sqsProxy.close()]);
    }
  });

  it('refuses to start with bad configuration and names the setting', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    await expect(spawnWorker(queues, { SQS_BATCH_SIZE: '50' })).rejects.toThrow(/SQS_BATCH_SIZE \(invalid\)/);
  });

  // The graceful drain an orchestrator relies on (infra/k8s, infra/modules/ecs-worker-service).
  it('on SIGTERM: readiness down at once, no new receive, messages in hand finished or handed back, nothing applied twice', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable } = await seedCommunity(prisma);
    const [busy, stuck] = await Promise.all(['busy', 'stuck'].map((username) => createUser(prisma, username)));
    const award = (user: { discordUserId: string | null }, eventId: string) =>
      send(
        sqs,
        queues.queueUrl,
        itemAwarded({
          eventId,
          discordGuildId: community.discordGuildId,
          discordUserId: user.discordUserId,
          itemTypeId: stackable.id,
        }),
      );
    for (let i = 0; i < 16; i++) await award(busy, `early-${i}`);
    for (let i = 0; i < 4; i++) await award(stuck, `stuck-${i}`);
    const lock = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await lock.connect();
    let worker: Awaited<ReturnType<typeof spawnWorker>> | undefined;
    let exit: { code: number | null } | undefined;
    let readinessDownWhileDraining = false;
    let sigtermToExitMs = 0;
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [stuck.discordUserId]);
      worker = await spawnWorker(queues, { SHUTDOWN_DRAIN_TIMEOUT_MS: '3000', SQS_BATCH_SIZE: '10' });
      const { port, child } = worker;
      await waitFor(
        async () => {
          const d = await queueDepth(sqs, queues.queueUrl);
          return d.visible === 0 && d.inFlight > 0 && (await prisma.processedMessage.count()) >= 5;
        },
        { what: 'a batch stuck in flight' },
      );
      const sigterm = Date.now();
      child.kill('SIGTERM');
      const ready = await waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
          return response?.status === 503 && { body: await response.json(), alive: child.exitCode === null };
        },
        { what: 'readiness down', everyMs: 20 },
      );
      // Down from the signal on (the shutdown check), then Terminus's own 'shutting_down' once Nest's shutdown hooks run.
      const body = ready.body as { status?: string; error?: { shutdown?: { status?: string } } };
      expect(body.error?.shutdown?.status === 'down' || body.status === 'shutting_down').toBe(true);
      readinessDownWhileDraining = ready.alive;
      // Past the receive that may have been under way at SIGTERM (1 s long poll): nothing new may be received now.
      await new Promise((r) => setTimeout(r, 1500));
      for (let i = 0; i < 3; i++) await award(busy, `late-${i}`);
      exit = await worker.exited;
      sigtermToExitMs = Date.now() - sigterm;
    } finally {
      worker?.child.kill('SIGKILL');
      await lock.end();
    }
    expect({ code: exit?.code, readinessDownWhileDraining }).toEqual({ code: 0, readinessDownWhileDraining: true });
    expect(sigtermToExitMs).toBeLessThan(10000);

    // Nothing left invisible; the late awards were never received by the stopping worker.
    expect((await queueDepth(sqs, queues.queueUrl)).inFlight).toBe(0);
    const left = [];
    const receive = () =>
      sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.queueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
    for (let batch; (batch = (await receive()).Messages ?? []).length > 0;) left.push(...batch);
    const late = left.filter((m) => m.Body!.includes('"late-'));
    expect(late.map((m) => m.Attributes!.ApproximateReceiveCount)).toEqual(['1', '1', '1']);
    for (let i = 0; i < left.length; i += 10) {
      const entries = left
        .slice(i, i + 10)
        .map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
      await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queues.queueUrl, Entries: entries }));
    }

    // A new worker applies what is left: every award exactly once.
    const next = await spawnWorker(queues);
    try {
      await waitFor(async () => (await prisma.processedMessage.count()) === 23, { what: 'every award applied' });
    } finally {
      next.child.kill('SIGTERM');
      await next.exited;
    }
    const holdings = await prisma.itemHolding.findMany({ where: { itemTypeId: stackable.id } });
    expect(Object.fromEntries(holdings.map((h) => [h.userId, h.quantity]))).toEqual({ [busy.id]: 19, [stuck.id]: 4 });
  });

  it('on SIGTERM finishes or releases in-flight messages and exits within 10 s', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable } = await seedCommunity(prisma);
    const users = await Promise.all([1, 2, 3].map(async (i) => createUser(prisma, `u${i}`)));
    const stuck = users[0];
    // The stuck account's grants go last, so the batches before them can finish.
    for (let i = 0; i < 30; i++) {
      const { discordUserId } = i < 26 ? users[1 + (i % 2)] : stuck;
      await send(
        sqs,
        queues.queueUrl,
        itemAwarded({ discordGuildId: community.discordGuildId, discordUserId, itemTypeId: stackable.id }),
      );
    }
    // Hold one account's lock: its grants are in flight and cannot finish before the drain deadline.
    const lock = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await lock.connect();
    let code: number | null;
    let took: number;
    let worker: Awaited<ReturnType<typeof spawnWorker>> | undefined;
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [stuck.discordUserId]);
      worker = await spawnWorker(queues, { SHUTDOWN_DRAIN_TIMEOUT_MS: '3000', SQS_BATCH_SIZE: '10' });
      // Everything received, and the stuck account's batch held in flight by the lock.
      await waitFor(
        async () => {
          const d = await queueDepth(sqs, queues.queueUrl);
          return d.visible === 0 && d.inFlight > 0 && (await prisma.processedMessage.count()) >= 5;
        },
        { what: 'a batch stuck in flight' },
      );
      const start = Date.now();
      worker.child.kill('SIGTERM');
      ({ code } = await worker.exited);
      took = Date.now() - start;
    } finally {
      worker?.child.kill('SIGKILL');
      await lock.end();
    }

    expect({ code, output: code === 0 ? '' : worker.output() }).toEqual({ code: 0, output: '' });
    expect(took).toBeLessThan(10000);
    expect(worker.output()).toMatch(/releasing in-flight messages/);
    // Nothing left invisible: every unapplied message is back on the queue at once.
    const depth = await queueDepth(sqs, queues.queueUrl);
    expect(depth.inFlight).toBe(0);
    expect(depth.visible + (await prisma.processedMessage.count())).toBe(30);

    const next = await spawnWorker(queues);
    try {
      await waitFor(async () => (await prisma.processedMessage.count()) === 30, { what: 'the rest applied' });
    } finally {
      next.child.kill('SIGTERM');
      await next.exited;
    }
    const total = await prisma.itemHolding.aggregate({ _sum: { quantity: true } });
    expect(total._sum.quantity).toBe(30);
  });
});
