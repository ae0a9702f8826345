import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { SqsClientOptions, SQS_CLIENT } from './queue.options';
import { createSqsClient } from './sqs-client.factory';

/** The one SQS client of an app, shared by consumers, producers and health checks. */
@Global()
@Module({})
export class SqsClientModule implements OnApplicationShutdown {
  constructor(@Inject(SQS_CLIENT) private readonly client: SQSClient) {}

  static forRootAsync(
    options: Pick<ModuleMetadata, 'imports'> & Omit<FactoryProvider<SqsClientOptions>, 'provide'>,
  ): DynamicModule {
    return {
      module: SqsClientModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: SQS_CLIENT,
          inject: options.inject ?? [],
          useFactory: async (...args: unknown[]) => createSqsClient(await options.useFactory(...args)),
        },
      ],
      exports: [SQS_CLIENT],
    };
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }
}
