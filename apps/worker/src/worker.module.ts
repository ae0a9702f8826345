import { DynamicModule, Module } from '@nestjs/common';
import { BotOperationsConsumerModule } from '@app/bot-operations';
import { Environment, loadEnvironment } from '@app/config';
import { QueueName } from '@app/contracts';
import { DiscordHealthIndicator, DiscordModule } from '@app/discord';
import { HealthModule } from '@app/health';
import { DiscordRequestConsumerModule } from '@app/order-threads';
import { PrizeConsumerModule } from '@app/prizes';
import { ConsumerSettings, QueueModule } from '@app/queue';
import { loadRelayConfig, RelayGatewayHealthIndicator, RelayIngestModule } from '@app/relay';
import { platformModules } from '@app/runtime';

/**
 * The worker deployment: the consumers listed in WORKER_CONSUMERS (prize distribution, the
 * Discord queue of order threads, the bot operations FIFO queue; the message relay's Discord
 * gateway ingest, which is no SQS consumer) and health endpoints.
 */
@Module({})
export class WorkerModule {
  static forRoot(overrides: Record<string, unknown> = {}): DynamicModule {
    const env = loadEnvironment(overrides);
    const consumers = consumerSettings(env);
    const usesDiscord = env.consumes('discord') || env.consumes('bot-operations');
    // The relay's secrets may be named by `*_env` entries of its file: looked up like the environment.
    const relay = env.consumes('relay') ? loadRelayConfig(env.RELAY_CONFIG!, (name) => stringOrUndefined(overrides[name]) ?? process.env[name]) : undefined;
    const readinessIndicators = [...(usesDiscord ? [DiscordHealthIndicator] : []), ...(relay ? [RelayGatewayHealthIndicator] : [])];
    return {
      module: WorkerModule,
      imports: [
        ...platformModules(env),
        HealthModule.forRootAsync({
          // Ready only while Discord accepts the bot token (a 401 holds every Discord message back)
          // and every relay bot's gateway connection is up.
          useFactory: () => ({ queueUrls: consumers.map((c) => c.queueUrl), readinessIndicators }),
        }),
        ...(consumers.length > 0
          ? [QueueModule.forRootAsync({ useFactory: () => ({ shutdownDrainTimeoutMs: env.SHUTDOWN_DRAIN_TIMEOUT_MS, consumers }) })]
          : []),
        ...(usesDiscord
          ? [
              {
                ...DiscordModule.forRootAsync({
                  useFactory: () => ({ token: env.DISCORD_BOT_TOKEN!, apiBaseUrl: env.DISCORD_API_BASE_URL, requestTimeoutMs: env.DISCORD_REQUEST_TIMEOUT_MS }),
                }),
                global: true,
              },
            ]
          : []),
        ...(env.consumes('prize-distribution') ? [PrizeConsumerModule] : []),
        ...(env.consumes('discord') ? [DiscordRequestConsumerModule] : []),
        ...(env.consumes('bot-operations') ? [BotOperationsConsumerModule] : []),
        ...(relay
          ? [
              RelayIngestModule.forRoot({
                settings: relay,
                apiBaseUrl: env.DISCORD_API_BASE_URL,
                requestTimeoutMs: env.DISCORD_REQUEST_TIMEOUT_MS,
                backfillMaxMessages: env.RELAY_BACKFILL_MAX_MESSAGES,
                shutdownDrainTimeoutMs: env.SHUTDOWN_DRAIN_TIMEOUT_MS,
              }),
            ]
          : []),
      ],
    };
  }
}

const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Queue settings of each consumer this process runs. */
function consumerSettings(env: Environment): ConsumerSettings[] {
  const common = {
    visibilityTimeout: env.SQS_VISIBILITY_TIMEOUT,
    maxReceiveCount: env.SQS_MAX_RECEIVE_COUNT,
    retryBaseDelaySeconds: env.SQS_RETRY_BASE_DELAY_SECONDS,
    retryMaxDelaySeconds: env.SQS_RETRY_MAX_DELAY_SECONDS,
  };
  const consumers: ConsumerSettings[] = [];
  if (env.consumes('prize-distribution')) {
    consumers.push({
      ...common,
      name: QueueName.PRIZE_DISTRIBUTION,
      queueUrl: env.AWS_SQS_QUEUE_URL!,
      deadLetterQueueUrl: env.AWS_SQS_DLQ_URL,
      batchSize: env.SQS_BATCH_SIZE,
      waitTimeSeconds: env.SQS_WAIT_TIME_SECONDS,
    });
  }
  if (env.consumes('discord')) {
    consumers.push({
      ...common,
      name: QueueName.DISCORD,
      queueUrl: env.DISCORD_QUEUE_URL!,
      deadLetterQueueUrl: env.DISCORD_QUEUE_DLQ_URL,
      batchSize: env.DISCORD_QUEUE_BATCH_SIZE,
      waitTimeSeconds: env.DISCORD_QUEUE_WAIT_TIME_SECONDS,
      maxAttempts: env.DISCORD_QUEUE_MAX_ATTEMPTS,
      maxReceiveCount: env.DISCORD_QUEUE_MAX_RECEIVE_COUNT,
    });
  }
  if (env.consumes('bot-operations')) {
    consumers.push({
      name: QueueName.BOT_OPERATIONS,
      queueUrl: env.BOT_OPERATIONS_QUEUE_URL!,
      deadLetterQueueUrl: env.BOT_OPERATIONS_DLQ_URL,
      batchSize: 10,
      waitTimeSeconds: env.BOT_OPERATIONS_WAIT_TIME_SECONDS,
      visibilityTimeout: env.SQS_VISIBILITY_TIMEOUT,
      maxAttempts: env.BOT_OPERATIONS_MAX_ATTEMPTS,
      maxReceiveCount: env.BOT_OPERATIONS_MAX_RECEIVE_COUNT,
      retryBaseDelaySeconds: env.BOT_OPERATIONS_RETRY_BASE_SECONDS,
      retryMaxDelaySeconds: env.BOT_OPERATIONS_RETRY_MAX_SECONDS,
    });
  }
  return consumers;
}
