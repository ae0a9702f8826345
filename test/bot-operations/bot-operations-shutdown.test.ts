import { INestApplication } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { FakeDiscord, startFakeDiscord } from '@discord-backbone/discord-standin';
import { botApiEnv, botWorkerEnv, startSlowProxy } from '../support/bot-operations';
import { snowflake } from '../support/database';
import { adminHttp, http } from '../support/http';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, queueDepth, waitFor } from '../support/sqs';
import { startApi } from '../support/worker';
import { spawnWorker, WorkerProcess } from '../support/worker-process';

const OPERATIONS = 12;

/** The bot-operations worker as its own process (`npm run worker:bot-queue`), stopped mid-batch. */
describe('bot operations worker shutdown', () => {
  const { sqs, prisma } = useTestInfra();
  let fake: FakeDiscord & { close(): Promise<void> };
  let api: { app: INestApplication; url: string } | undefined;

  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    await api?.app.close();
    await fake.close();
  });

  it('on SIGTERM finishes the operations in flight, leaves the rest queued, and a restart does each exactly once', async () => {
    const queues = await createSystemQueue(sqs, QueueName.BOT_OPERATIONS);
    api = await startApi(botApiEnv(queues));
    const post = <T = Record<string, unknown>>(path: string, body?: unknown) => http<T>(api!.url, 'POST', path, body);

    // Users not in the guild: each invite sets an overwrite, creates an invite and DMs it, so a
    // second application of any operation would show as a second invite or DM.
    const guild = fake.addGuild();
    const channelId = fake.addChannel(guild.id);
    expect((await adminHttp(api.url, 'POST', '/subscription-channels', { channelId, guildId: guild.id })).status).toBe(
      201,
    );
    const users: string[] = [];
    for (let i = 0; i < OPERATIONS; i++) {
      const discordUserId = snowflake();
      const user = await prisma.user.create({ data: { username: `s${i}`, discordUserId } });
      const { body: subscription } = await post<{ id: string }>('/subscriptions', { userId: user.id, channelId });
      expect((await post(`/subscriptions/${subscription.id}/activate`)).status).toBe(200);
      users.push(discordUserId);
    }
    await waitFor(async () => (await prisma.outboxMessage.count({ where: { sentAt: null } })) === 0, {
      what: 'every operation sent',
    });

    // A slow Discord: each overwrite takes 0.4 s, so a received batch is still being worked on when
    // the signal comes. (The REST client sends one request at a time per route and channel, so the
    // batch's ten overwrites take ~4 s in all: inside the 7 s drain.)
    const slow = await startSlowProxy(fake.apiUrl, { method: 'PUT', path: /\/permissions\//, delayMs: 400 });
    const env = botWorkerEnv(queues, { token: fake.token, apiUrl: slow.apiUrl }, { SHUTDOWN_DRAIN_TIMEOUT_MS: '7000' });
    let first: WorkerProcess | undefined;
    let next: WorkerProcess | undefined;
    try {
      first = await spawnWorker(queues, env);
      await waitFor(() => slow.held() > 0, { what: 'operations in flight' });
      const inFlightAtSignal = slow.held();
      first.child.kill('SIGTERM');
      const { code } = await first.exited;
      expect({ code, output: code === 0 ? '' : first.output() }).toEqual({ code: 0, output: '' });
      expect(first.output()).toMatch(/Consumers drained/);
      expect(first.output()).not.toMatch(/Drain timed out/);

      // What was in flight was finished, not abandoned; nothing is left invisible.
      const doneAfterSignal = await prisma.botOperation.count({ where: { status: 'done' } });
      expect(doneAfterSignal).toBeGreaterThanOrEqual(inFlightAtSignal);
      const depth = await queueDepth(sqs, queues.queueUrl);
      expect(depth.inFlight).toBe(0);
      expect(depth.visible + doneAfterSignal).toBe(OPERATIONS);

      next = await spawnWorker(queues, env);
      await waitFor(async () => (await prisma.botOperation.count({ where: { status: 'done' } })) === OPERATIONS, {
        what: 'every operation done',
        timeoutMs: 30000,
      });
    } finally {
      for (const worker of [first, next]) {
        if (worker && worker.child.exitCode === null) {
          worker.child.kill('SIGTERM');
          await worker.exited;
        }
      }
      await slow.close();
    }

    expect(await prisma.botOperation.count({ where: { status: { not: 'done' } } })).toBe(0);
    for (const userId of users) {
      expect(fake.dms(userId)).toHaveLength(1);
      expect(fake.overwrites(channelId).filter((o) => o.id === userId)).toHaveLength(1);
    }
    expect(fake.invites).toHaveLength(OPERATIONS);
    expect(await queueDepth(sqs, queues.queueUrl)).toEqual({ visible: 0, inFlight: 0 });
    expect(await queueDepth(sqs, queues.dlqUrl)).toEqual({ visible: 0, inFlight: 0 });
  });
});
