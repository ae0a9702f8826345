import { SQSClient } from '@aws-sdk/client-sqs';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { SQS_CLIENT, SQS_CLIENT_OPTIONS, SqsClientOptions } from './queue.options';
import { QueueSender } from './queue.sender';
import { createSqsClient } from './sqs-client.factory';
import { ConfigurableSqsClientModule } from './sqs-client.module-definition';

/**
 * The one SQS client of an app (SQS_CLIENT), shared by consumers, producers and health checks, and
 * the QueueSender over it.
 * `forRoot(options)` or `forRootAsync({ imports, inject, useFactory })`; global unless `isGlobal: false`.
 */
@Module({
  providers: [
    {
      provide: SQS_CLIENT,
      inject: [SQS_CLIENT_OPTIONS],
      useFactory: (options: SqsClientOptions) => createSqsClient(options),
    },
    QueueSender,
  ],
  exports: [SQS_CLIENT, QueueSender],
})
export class SqsClientModule extends ConfigurableSqsClientModule implements OnApplicationShutdown {
  constructor(@Inject(SQS_CLIENT) private readonly client: SQSClient) {
    super();
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }
}
