import { DynamicModule, Module } from '@nestjs/common';
import { Environment, loadEnvironment } from '@app/config';
import { QueueName } from '@app/contracts';
import { HealthModule } from '@app/health';
import { PrizeConsumerModule } from '@app/prizes';
import { QueueModule } from '@app/queue';
import { platformModules } from '@app/runtime';

/** The worker deployment: the prize consumer (unless AWS_SQS_ENABLED=false) and health endpoints. */
@Module({})
export class WorkerModule {
  static forRoot(overrides: Record<string, unknown> = {}): DynamicModule {
    const env = loadEnvironment(overrides);
    return {
      module: WorkerModule,
      imports: [
        ...platformModules(env),
        HealthModule.forRootAsync({
          inject: [Environment],
          useFactory: (e: Environment) => ({ queueUrls: e.AWS_SQS_ENABLED && e.AWS_SQS_QUEUE_URL ? [e.AWS_SQS_QUEUE_URL] : [] }),
        }),
        ...(env.AWS_SQS_ENABLED
          ? [
              QueueModule.forRootAsync({
                inject: [Environment],
                useFactory: (e: Environment) => ({
                  shutdownDrainTimeoutMs: e.SHUTDOWN_DRAIN_TIMEOUT_MS,
                  consumers: [
                    {
                      name: QueueName.PRIZE_DISTRIBUTION,
                      queueUrl: e.AWS_SQS_QUEUE_URL!,
                      deadLetterQueueUrl: e.AWS_SQS_DLQ_URL,
                      batchSize: e.SQS_BATCH_SIZE,
                      waitTimeSeconds: e.SQS_WAIT_TIME_SECONDS,
                      visibilityTimeout: e.SQS_VISIBILITY_TIMEOUT,
                      maxReceiveCount: e.SQS_MAX_RECEIVE_COUNT,
                      retryBaseDelaySeconds: e.SQS_RETRY_BASE_DELAY_SECONDS,
                      retryMaxDelaySeconds: e.SQS_RETRY_MAX_DELAY_SECONDS,
                    },
                  ],
                }),
              }),
              PrizeConsumerModule,
            ]
          : []),
      ],
    };
  }
}
