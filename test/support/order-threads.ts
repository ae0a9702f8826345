import { SQSClient } from '@aws-sdk/client-sqs';
import { INestApplication } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { FakeDiscord, startFakeDiscord } from '@discord-backbone/discord-standin';
import { PrismaClient } from '@discord-backbone/prisma';
import { snowflake } from './database';
import { http } from './http';
import { useTestInfra } from './infra';
import { createSystemQueue, QueuePair, queueSettings, waitFor } from './sqs';
import { startApi, startWorker } from './worker';

/** The order-threads system on real queues: API (producer + response consumer), worker, fake Discord. */
export interface OrderThreadsRig {
  discordQueue: QueuePair;
  backendQueue: QueuePair;
  discord: FakeDiscord;
  guildId: string;
  channelId: string;
  api?: { app: INestApplication; url: string };
  worker?: INestApplication;
  startApi(overrides?: Record<string, string>): Promise<{ app: INestApplication; url: string }>;
  startWorker(overrides?: Record<string, string>): Promise<INestApplication>;
  close(): Promise<void>;
}

export async function orderThreadsRig(sqs: SQSClient): Promise<OrderThreadsRig> {
  // Redrive as in production (the queue table's): above the worker's attempt limit.
  const discordQueue = await createSystemQueue(sqs, QueueName.DISCORD);
  const backendQueue = await createSystemQueue(sqs, QueueName.BACKEND);
  const discord = await startFakeDiscord();
  const guildId = discord.addGuild().id;
  const channelId = discord.addChannel(guildId);
  const apps: INestApplication[] = [];
  const rig: OrderThreadsRig = {
    discordQueue,
    backendQueue,
    discord,
    guildId,
    channelId,
    async startApi(overrides = {}) {
      const api = await startApi({
        ...queueSettings(QueueName.DISCORD, { queueUrl: discordQueue.queueUrl }),
        ...queueSettings(QueueName.BACKEND, {
          queueUrl: backendQueue.queueUrl,
          waitTimeSeconds: '1',
          retryBaseDelaySeconds: '1',
        }),
        OUTBOX_POLL_INTERVAL_MS: '50',
        OUTBOX_MAX_RETRY_DELAY_MS: '500',
        ...overrides,
      });
      apps.push(api.app);
      rig.api = api;
      return api;
    },
    async startWorker(overrides = {}) {
      const worker = await startWorker(discordQueue, {
        WORKER_CONSUMERS: 'discord',
        ...queueSettings(QueueName.DISCORD, { queueUrl: discordQueue.queueUrl, waitTimeSeconds: '1' }),
        ...queueSettings(QueueName.BACKEND, { queueUrl: backendQueue.queueUrl }),
        DISCORD_BOT_TOKEN: discord.token,
        DISCORD_API_BASE_URL: discord.apiUrl,
        ...overrides,
      });
      apps.push(worker);
      rig.worker = worker;
      return worker;
    },
    async close() {
      for (const app of apps.reverse()) await app.close();
      await discord.close();
    },
  };
  return rig;
}

/**
 * The test infrastructure (useTestInfra) and a fresh rig for each test of the file: handed to `use`
 * before the test, closed after it.
 */
export function useOrderThreadsRig(use: (rig: OrderThreadsRig) => void): { sqs: SQSClient; prisma: PrismaClient } {
  const infra = useTestInfra();
  let rig: OrderThreadsRig | undefined;
  beforeEach(async () => {
    rig = await orderThreadsRig(infra.sqs);
    use(rig);
  });
  afterEach(() => rig?.close());
  return infra;
}

/** A customer and an assignee with linked Discord accounts that are members of the guild. */
export async function seedParticipants(prisma: PrismaClient, rig: OrderThreadsRig) {
  const customer = await prisma.user.create({
    data: { username: 'customer', discordUserId: rig.discord.addMember(rig.guildId, snowflake()) },
  });
  const assignee = await prisma.user.create({
    data: { username: 'assignee', discordUserId: rig.discord.addMember(rig.guildId, snowflake()) },
  });
  const community = await prisma.community.create({
    data: { name: 'Guild', discordGuildId: rig.guildId, discordThreadChannelId: rig.channelId },
  });
  return { customer, assignee, community };
}

/** An order or offer session as GET returns it: what the tests read. */
export interface ThreadedView {
  id: string;
  discordThread: {
    status: string;
    threadId: string | null;
    inviteCode: string | null;
    error: string | null;
    details: Record<string, unknown> | null;
  } | null;
  discordRequests?: { id: string; type: string; status: string; error: string | null }[];
}

/** Polls `GET path` until its Discord thread link has the status. */
export function waitForThread(base: string, path: string, status: string): Promise<ThreadedView> {
  return waitFor(
    async () => {
      const { body } = await http<ThreadedView>(base, 'GET', path);
      return body.discordThread?.status === status ? body : undefined;
    },
    { what: `${path} thread ${status}` },
  );
}
