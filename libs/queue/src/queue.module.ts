import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamicModule, Module } from '@nestjs/common';
import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { Span, SpanKind, trace } from '@opentelemetry/api';
import { SqsModule } from '@ssut/nestjs-sqs';
import type { SqsConsumerOptions } from '@ssut/nestjs-sqs/dist/sqs.types';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { MessagePipeline } from './message-pipeline';
import { ProcessedMessageStore } from './processed-message.store';
import { ConsumerSettings, QUEUE_OPTIONS, QueueModuleOptions, SQS_CLIENT } from './queue.options';

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
      ],
      providers: [DeadLetterPublisher, ProcessedMessageStore, MessagePipeline],
      exports: [MessagePipeline],
    };
  }
}

@Module({})
class QueueOptionsModule {}

const tracer = trace.getTracer('queue');

function toConsumerOptions(c: ConsumerSettings, client: SQSClient, drainMs: number): SqsConsumerOptions {
  let poll: Span | undefined;
  return {
    name: c.name,
    queueUrl: c.queueUrl,
    sqs: client,
    batchSize: c.batchSize,
    waitTimeSeconds: c.waitTimeSeconds,
    visibilityTimeout: c.visibilityTimeout,
    messageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp', 'MessageGroupId'],
    messageAttributeNames: ['All'],
    // Lets the drain see a receive that is still in progress when stop() is called.
    pollingCompleteWaitTimeMs: drainMs,
    preReceiveMessageCallback: () => {
      poll = tracer.startSpan('sqs.poll', {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'aws_sqs',
          'messaging.operation.type': 'receive',
          'messaging.operation.name': 'ReceiveMessage',
          'messaging.destination.name': c.name,
          'messaging.batch.message_count': c.batchSize,
        },
      });
      return Promise.resolve();
    },
    postReceiveMessageCallback: () => {
      poll?.end();
      poll = undefined;
      return Promise.resolve();
    },
  };
}
