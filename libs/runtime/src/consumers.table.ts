import type { DynamicModule, Type } from '@nestjs/common';
import { BotOperationsModule } from '@discord-backbone/bot-operations';
import { CampaignsModule } from '@discord-backbone/campaigns';
import type { Environment, WorkerConsumer } from '@discord-backbone/config';
import { QueueName } from '@discord-backbone/contracts';
import { BackendResponseConsumerModule, OrderThreadsModule, ThreadLinkAnswerHandler } from '@discord-backbone/order-threads';
import { PrizesModule } from '@discord-backbone/prizes';
import type { ConsumerSettings } from '@discord-backbone/queue';

/** One SQS consumer of the system: which app runs it, when, with which settings, and the module with its @SqsMessageHandler. */
interface ConsumerDefinition {
  app: 'api' | 'worker';
  /** Whether this process runs it (the worker's WORKER_CONSUMERS; the API's BACKEND_QUEUE_URL). */
  enabled(env: Environment): boolean;
  settings(env: Environment): ConsumerSettings;
  /** The module with its handler, in the consumer role where the lib has one, its settings from `env`. */
  module(env: Environment): DynamicModule | Type<unknown>;
  /** Needs Discord's REST API (its readiness then depends on the bot token being accepted). */
  usesDiscord: boolean;
}

const worker = (name: WorkerConsumer) => (env: Environment) => env.consumes(name);

/** Redrive, retry and backoff settings shared by the consumers that keep the spec's defaults. */
const retries = (env: Environment) => ({
  visibilityTimeout: env.SQS_VISIBILITY_TIMEOUT,
  maxReceiveCount: env.SQS_MAX_RECEIVE_COUNT,
  retryBaseDelaySeconds: env.SQS_RETRY_BASE_DELAY_SECONDS,
  retryMaxDelaySeconds: env.SQS_RETRY_MAX_DELAY_SECONDS,
});

/**
 * Every consumer of the system, by queue name: the one place that says which settings (and so
 * which environment variables) each consumer reads. Both apps build their consumers from it.
 */
export const CONSUMERS: Record<QueueName, ConsumerDefinition> = {
  [QueueName.PRIZE_DISTRIBUTION]: {
    app: 'worker',
    enabled: worker('prize-distribution'),
    module: () => PrizesModule.forRoot({ role: 'consumer' }),
    usesDiscord: false,
    settings: (env) => ({
      ...retries(env),
      name: QueueName.PRIZE_DISTRIBUTION,
      queueUrl: env.AWS_SQS_QUEUE_URL!,
      deadLetterQueueUrl: env.AWS_SQS_DLQ_URL,
      batchSize: env.SQS_BATCH_SIZE,
      concurrency: env.SQS_CONCURRENCY,
      waitTimeSeconds: env.SQS_WAIT_TIME_SECONDS,
    }),
  },
  [QueueName.DISCORD]: {
    app: 'worker',
    enabled: worker('discord'),
    module: (env) =>
      OrderThreadsModule.forRoot({
        role: 'consumer',
        backendQueueUrl: env.BACKEND_QUEUE_URL,
        threadInviteMaxAgeSeconds: env.DISCORD_THREAD_INVITE_MAX_AGE_SECONDS,
        publicThreadFallback: env.DISCORD_THREAD_PUBLIC_FALLBACK,
        discordRequestTimeoutMs: env.DISCORD_REQUEST_TIMEOUT_MS,
      }),
    usesDiscord: true,
    settings: (env) => ({
      ...retries(env),
      name: QueueName.DISCORD,
      queueUrl: env.DISCORD_QUEUE_URL!,
      deadLetterQueueUrl: env.DISCORD_QUEUE_DLQ_URL,
      batchSize: env.DISCORD_QUEUE_BATCH_SIZE,
      waitTimeSeconds: env.DISCORD_QUEUE_WAIT_TIME_SECONDS,
      maxAttempts: env.DISCORD_QUEUE_MAX_ATTEMPTS,
      maxReceiveCount: env.DISCORD_QUEUE_MAX_RECEIVE_COUNT,
    }),
  },
  [QueueName.BOT_OPERATIONS]: {
    app: 'worker',
    enabled: worker('bot-operations'),
    module: (env) => BotOperationsModule.forRoot({ role: 'consumer', inviteMaxAgeSeconds: env.BOT_INVITE_MAX_AGE_SECONDS }),
    usesDiscord: true,
    settings: (env) => ({
      name: QueueName.BOT_OPERATIONS,
      queueUrl: env.BOT_OPERATIONS_QUEUE_URL!,
      deadLetterQueueUrl: env.BOT_OPERATIONS_DLQ_URL,
      batchSize: env.BOT_OPERATIONS_BATCH_SIZE,
      waitTimeSeconds: env.BOT_OPERATIONS_WAIT_TIME_SECONDS,
      visibilityTimeout: env.SQS_VISIBILITY_TIMEOUT,
      maxAttempts: env.BOT_OPERATIONS_MAX_ATTEMPTS,
      maxReceiveCount: env.BOT_OPERATIONS_MAX_RECEIVE_COUNT,
      retryBaseDelaySeconds: env.BOT_OPERATIONS_RETRY_BASE_SECONDS,
      retryMaxDelaySeconds: env.BOT_OPERATIONS_RETRY_MAX_SECONDS,
    }),
  },
  [QueueName.CAMPAIGN]: {
    app: 'worker',
    enabled: worker('campaign'),
    module: (env) => CampaignsModule.forRoot({ role: 'consumer', queueUrl: env.CAMPAIGN_QUEUE_URL }),
    usesDiscord: true,
    settings: (env) => ({
      name: QueueName.CAMPAIGN,
      queueUrl: env.CAMPAIGN_QUEUE_URL!,
      deadLetterQueueUrl: env.CAMPAIGN_QUEUE_DLQ_URL,
      batchSize: 10,
      waitTimeSeconds: env.CAMPAIGN_WAIT_TIME_SECONDS,
      visibilityTimeout: env.SQS_VISIBILITY_TIMEOUT,
      maxAttempts: env.CAMPAIGN_MAX_ATTEMPTS,
      maxReceiveCount: env.CAMPAIGN_MAX_RECEIVE_COUNT,
      retryBaseDelaySeconds: env.CAMPAIGN_RETRY_BASE_SECONDS,
      retryMaxDelaySeconds: env.CAMPAIGN_RETRY_MAX_SECONDS,
    }),
  },
  [QueueName.BACKEND]: {
    app: 'api',
    enabled: (env) => env.AWS_SQS_ENABLED && env.BACKEND_QUEUE_URL !== undefined,
    // The API app plays the marketplace: its answers land on its own thread links.
    module: () => BackendResponseConsumerModule.forRoot({ threadAnswers: ThreadLinkAnswerHandler }),
    usesDiscord: false,
    settings: (env) => ({
      ...retries(env),
      name: QueueName.BACKEND,
      queueUrl: env.BACKEND_QUEUE_URL!,
      deadLetterQueueUrl: env.BACKEND_QUEUE_DLQ_URL,
      batchSize: env.BACKEND_QUEUE_BATCH_SIZE,
      concurrency: env.SQS_CONCURRENCY,
      waitTimeSeconds: env.SQS_WAIT_TIME_SECONDS,
    }),
  },
};

/** The consumers an app runs with this environment: their settings and the modules that handle them. */
export function consumersFor(app: 'api' | 'worker', env: Environment): { settings: ConsumerSettings[]; modules: (DynamicModule | Type<unknown>)[]; usesDiscord: boolean } {
  const enabled = Object.values(CONSUMERS).filter((c) => c.app === app && c.enabled(env));
  return { settings: enabled.map((c) => c.settings(env)), modules: enabled.map((c) => c.module(env)), usesDiscord: enabled.some((c) => c.usesDiscord) };
}
