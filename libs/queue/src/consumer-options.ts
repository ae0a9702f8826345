import type { SQSClient } from '@aws-sdk/client-sqs';
import { Span, SpanKind, trace } from '@opentelemetry/api';
import type { SqsConsumerOptions } from '@ssut/nestjs-sqs/dist/sqs.types';
import type { ConsumerSettings } from './queue.options';

const tracer = trace.getTracer('queue');

/** sqs-consumer options for a consumer, with an `sqs.poll` span around each receive. */
export function toConsumerOptions(c: ConsumerSettings, client: SQSClient, drainMs: number): SqsConsumerOptions {
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
    // Group order is kept by MessagePipeline.processEffects (one group's messages in sequence,
    // later ones handed back when one must wait), not by sqs-consumer: its warning is moot here.
    suppressFifoWarning: true,
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
