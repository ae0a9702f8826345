import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { SqsModule } from '@ssut/nestjs-sqs';
import { ConsumerEvents, ConsumerEventsModule } from './consumer-events.module';
import { toConsumerOptions } from './consumer-options';
import { QUEUE_OPTIONS, QueueModuleOptions, SQS_CLIENT } from './queue.options';

@Module({})
class QueueOptionsModule {}

/**
 * The options provider (and the modules its factory injects from) moves into a module of its own,
 * exported, so that QueueModule, SqsModule's async factory and ConsumerEvents share one instance.
 */
function withSqsConsumers(definition: DynamicModule, extras: { isGlobal: boolean }): DynamicModule {
  const optionsModule: DynamicModule = {
    module: QueueOptionsModule,
    imports: definition.imports ?? [],
    providers: definition.providers ?? [],
    exports: [QUEUE_OPTIONS],
  };
  return {
    module: definition.module,
    global: extras.isGlobal,
    imports: [
      optionsModule,
      SqsModule.registerAsync({
        imports: [optionsModule],
        inject: [QUEUE_OPTIONS, SQS_CLIENT],
        useFactory: (o: QueueModuleOptions, client: SQSClient) => ({
          consumers: o.consumers.map((c) => toConsumerOptions(c, client, o.shutdownDrainTimeoutMs)),
        }),
      }),
      // After SqsModule: see ConsumerEventsModule.
      { module: ConsumerEventsModule, imports: [optionsModule], providers: [ConsumerEvents] },
    ],
  };
}

export const { ConfigurableModuleClass: ConfigurableQueueModule } = new ConfigurableModuleBuilder<QueueModuleOptions>({
  optionsInjectionToken: QUEUE_OPTIONS,
})
  .setClassMethodName('forRoot')
  // Global unless told otherwise: every consumer module's handler runs through its MessagePipeline.
  .setExtras({ isGlobal: true }, withSqsConsumers)
  .build();
