import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamicModule, Module } from '@nestjs/common';
import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { SqsModule } from '@ssut/nestjs-sqs';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { MessagePipeline } from './message-pipeline';
import { BatchPipeline } from './pipeline/batch.pipeline';
import { FailureSettler } from './pipeline/failure.settler';
import { InFlightRegistry } from './pipeline/in-flight.registry';
import { OutageRelease } from './pipeline/outage-release';
import { PerMessagePipeline } from './pipeline/per-message.pipeline';
import { PipelineMetrics } from './pipeline/pipeline.metrics';
import { TaskProtection } from './pipeline/task-protection';
import { AttemptStore } from './attempt.store';
import { PostgresOutageGate } from './postgres-outage.gate';
import { ConsumerEvents, ConsumerEventsModule } from './consumer-events.module';
import { ProcessedMessageStore } from './processed-message.store';
import { toConsumerOptions } from './consumer-options';
import { QUEUE_OPTIONS, QueueModuleOptions, SQS_CLIENT } from './queue.options';

/**
 * The worker's SQS consumers (@ssut/nestjs-sqs finds each handler by name through
 * @SqsMessageHandler) and the MessagePipeline they all run through. Needs SqsClientModule.
 */
@Module({})
export class QueueModule {
  static forRootAsync(
    options: Pick<ModuleMetadata, 'imports'> & Omit<FactoryProvider<QueueModuleOptions>, 'provide'>,
  ): DynamicModule {
    // One instance shared by QueueModule and SqsModule's async factory.
    const optionsModule: DynamicModule = {
      module: QueueOptionsModule,
      imports: options.imports ?? [],
      providers: [{ provide: QUEUE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }],
      exports: [QUEUE_OPTIONS],
    };
    return {
      module: QueueModule,
      global: true,
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
      providers: [
        DeadLetterPublisher,
        ProcessedMessageStore,
        AttemptStore,
        PostgresOutageGate,
        TaskProtection,
        InFlightRegistry,
        FailureSettler,
        OutageRelease,
        PipelineMetrics,
        BatchPipeline,
        PerMessagePipeline,
        MessagePipeline,
      ],
      exports: [MessagePipeline],
    };
  }
}

@Module({})
class QueueOptionsModule {}
