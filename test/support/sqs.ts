import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  Message,
  MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { QueueName, QUEUES } from '@discord-backbone/contracts';
import { createSqsClient } from '@discord-backbone/queue';

export function testSqsClient(): SQSClient {
  return createSqsClient({ region: 'us-east-1', endpoint: process.env.TEST_SQS_ENDPOINT! });
}

export interface QueuePair {
  name: string;
  queueUrl: string;
  dlqUrl: string;
}

/** A fresh queue + DLQ with a redrive policy, named uniquely for this test (FIFO: both end in .fifo). */
export async function createQueuePair(
  sqs: SQSClient,
  options: { maxReceiveCount?: number; visibilityTimeout?: number; prefix?: string; fifo?: boolean } = {},
): Promise<QueuePair> {
  const name = `${options.prefix ?? 'prizes'}-${randomUUID().slice(0, 8)}`;
  const suffix = options.fifo ? '.fifo' : '';
  const fifo = options.fifo ? { FifoQueue: 'true' } : {};
  const { QueueUrl: dlqUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}-dlq${suffix}`, Attributes: fifo }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const { QueueUrl: queueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}${suffix}`,
      Attributes: {
        ...fifo,
        VisibilityTimeout: String(options.visibilityTimeout ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes!.QueueArn,
          maxReceiveCount: options.maxReceiveCount ?? 3,
        }),
      },
    }),
  );
  return { name, queueUrl: queueUrl!, dlqUrl: dlqUrl! };
}

/** A fresh queue + DLQ shaped as the queue table says (FIFO or not, its redrive count and visibility), named for this test. */
export function createSystemQueue(
  sqs: SQSClient,
  queue: QueueName,
  options: { prefix?: string } = {},
): Promise<QueuePair> {
  const { fifo, defaults } = QUEUES[queue];
  return createQueuePair(sqs, {
    prefix: options.prefix ?? queue,
    fifo,
    maxReceiveCount: defaults.maxReceiveCount,
    visibilityTimeout: defaults.visibilityTimeout,
  });
}

export async function send(
  sqs: SQSClient,
  queueUrl: string,
  body: unknown,
  attributes?: Record<string, MessageAttributeValue>,
): Promise<string> {
  const { MessageId } = await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
      MessageAttributes: attributes,
    }),
  );
  return MessageId!;
}

/** Sends up to 10 bodies with one SendMessageBatch call. */
export async function sendBatch(sqs: SQSClient, queueUrl: string, bodies: unknown[]): Promise<void> {
  const { Failed = [] } = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((b, i) => ({ Id: String(i), MessageBody: JSON.stringify(b) })),
    }),
  );
  if (Failed.length > 0) throw new Error(`SendMessageBatch failed for ${Failed.length} message(s)`);
}

/** Every message currently visible on a queue (receives until empty; they stay in flight). */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 300,
      }),
    );
    if (Messages.length === 0) return all;
    all.push(...Messages);
  }
}

/** Visible + in-flight + delayed counts, from the queue's attributes. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
  };
}

export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 20000, everyMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
