import type { DynamicModule } from '@nestjs/common';
import { Environment, isWorkerQueue } from '@discord-backbone/config';
import { QUEUE_NAMES, QueueName, QUEUES, QueueSide } from '@discord-backbone/contracts';
import type { ConsumerSettings } from '@discord-backbone/queue';
import { membershipTables, prizeTables } from './host-tables';

/** The code behind each queue's consumer; which app runs it and with which settings is the queue table's. */
interface ConsumerImplementation {
  /**
   * The module with its @SqsMessageHandler, in the consumer role where the lib has one, its settings
   * from `env`. Imported only when the consumer runs: a worker without Discord consumers never loads
   * discord.js (~40 MiB of its memory).
   */
  module(env: Environment): Promise<DynamicModule>;
  /** Needs Discord's REST API (its readiness then depends on the bot token being accepted). */
  usesDiscord: boolean;
}

const CONSUMER_MODULES: Record<QueueName, ConsumerImplementation> = {
  [QueueName.PRIZE_DISTRIBUTION]: {
    module: async (env) =>
      (await import('@discord-backbone/prizes')).PrizesModule.forRoot({ role: 'consumer', tables: prizeTables(env) }),
    usesDiscord: false,
  },
  [QueueName.DISCORD]: {
    module: async (env) =>
      (await import('@discord-backbone/order-threads')).OrderThreadsModule.forRoot({
        role: 'consumer',
        backendQueueUrl: env.queues.backend.queueUrl,
        threadInviteMaxAgeSeconds: env.DISCORD_THREAD_INVITE_MAX_AGE_SECONDS,
        publicThreadFallback: env.DISCORD_THREAD_PUBLIC_FALLBACK,
        discordRequestTimeoutMs: env.DISCORD_REQUEST_TIMEOUT_MS,
      }),
    usesDiscord: true,
  },
  // The API app plays the marketplace: its thread answers land on its own thread links.
  [QueueName.BACKEND]: {
    module: async () => {
      const { BackendResponseConsumerModule, ThreadLinkAnswerHandler } =
        await import('@discord-backbone/order-threads');
      return BackendResponseConsumerModule.forRoot({ threadAnswers: ThreadLinkAnswerHandler });
    },
    usesDiscord: false,
  },
  [QueueName.BOT_OPERATIONS]: {
    module: async (env) =>
      (await import('@discord-backbone/bot-operations')).BotOperationsModule.forRoot({
        role: 'consumer',
        inviteMaxAgeSeconds: env.BOT_INVITE_MAX_AGE_SECONDS,
        tables: membershipTables(env),
      }),
    usesDiscord: true,
  },
  [QueueName.CAMPAIGN]: {
    module: async (env) =>
      (await import('@discord-backbone/campaigns')).CampaignsModule.forRoot({
        role: 'consumer',
        queueUrl: env.queues.campaign.queueUrl,
      }),
    usesDiscord: true,
  },
};

/**
 * Whether this process runs a queue's consumer: a worker queue when WORKER_CONSUMERS lists it,
 * an API queue (the bot's answers) when its URL is set.
 */
function runsConsumer(queue: QueueName, env: Environment): boolean {
  return isWorkerQueue(queue) ? env.consumes(queue) : env.AWS_SQS_ENABLED && env.queues[queue].queueUrl !== undefined;
}

/** A running consumer's settings: its queue's, as read from the environment by the table. */
export function consumerSettings(queue: QueueName, env: Environment): ConsumerSettings {
  const { queueUrl, settingNames, ...settings } = env.queues[queue];
  // Required (so validated) whenever the consumer runs: see Environment's queue requirements.
  return { name: queue, queueUrl: queueUrl!, ...settings, deadLetterQueueUrlSetting: settingNames.deadLetterQueueUrl };
}

/** The consumers an app runs with this environment: their settings and the modules that handle them. */
export function consumersFor(
  app: QueueSide,
  env: Environment,
): { settings: ConsumerSettings[]; modules: Promise<DynamicModule>[]; usesDiscord: boolean } {
  const running = QUEUE_NAMES.filter((queue) => QUEUES[queue].consumedBy === app && runsConsumer(queue, env));
  return {
    settings: running.map((queue) => consumerSettings(queue, env)),
    modules: running.map((queue) => CONSUMER_MODULES[queue].module(env)),
    usesDiscord: running.some((queue) => CONSUMER_MODULES[queue].usesDiscord),
  };
}

/** The configured URLs of the queues the API consumes or sends to: its health checks reach each. */
export function apiQueueUrls(env: Environment): string[] {
  return QUEUE_NAMES.filter((queue) => QUEUES[queue].consumedBy === 'api' || sentByApi(queue))
    .map((queue) => env.queues[queue].queueUrl)
    .filter((url): url is string => url !== undefined);
}

/** Where the API's outbox sends each queue's messages: every queue the API sends to (unset URLs included, so a producer can say it is off). */
export function outboxDestinations(env: Environment): Partial<Record<QueueName, string>> {
  return Object.fromEntries(QUEUE_NAMES.filter(sentByApi).map((queue) => [queue, env.queues[queue].queueUrl]));
}

/** The API sends through its outbox (the worker sends its answers and follow-ups directly). */
const sentByApi = (queue: QueueName) => (QUEUES[queue].sentBy as readonly string[]).includes('api');
