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
import { QueueName, QUEUES, QueueSettingKey, queueSettingName } from '@discord-backbone/contracts';
import { createSqsClient } from '@discord-backbone/queue';

export function testSqsClient(): SQSClient {
  return createSqsClient({ region: 'us-east-1', endpoint: process.env.TEST_SQS_ENDPOINT! });
}

export interface QueuePair {
  name: string;
  queueUrl: string;
  dlqUrl: string;
}

/**
 * A fresh queue + DLQ for this test, shaped as the queue table says (FIFO or not, the redrive count and
 * visibility of its defaults): the one way the tests create queues. A test that needs another redrive
 * count or visibility says so in `options`; the name is `<prefix>-<random>` (the queue's logical name by default).
 */
export async function createSystemQueue(
  sqs: SQSClient,
  queue: QueueName,
  options: { prefix?: string; maxReceiveCount?: number; visibilityTimeout?: number } = {},
): Promise<QueuePair> {
  const { fifo, defaults } = QUEUES[queue];
  const { maxReceiveCount = defaults.maxReceiveCount, visibilityTimeout = defaults.visibilityTimeout } = options;
  const name = `${options.prefix ?? queue}-${randomUUID().slice(0, 8)}`;
  const suffix = fifo ? '.fifo' : '';
  const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
  const { QueueUrl: dlqUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}-dlq${suffix}`, Attributes: fifoAttributes }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const { QueueUrl: queueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}${suffix}`,
      Attributes: {
        ...fifoAttributes,
        VisibilityTimeout: String(visibilityTimeout),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount }),
      },
    }),
  );
  return { name, queueUrl: queueUrl!, dlqUrl: dlqUrl! };
}

/**
 * Settings for a process, under the names the queue table gives a queue's settings
 * (`<QUEUE>_QUEUE_URL`, `<QUEUE>_QUEUE_DLQ_URL`, `<QUEUE>_QUEUE_WAIT_TIME_SECONDS`, …): the test
 * says which queue and which values, the table says what they are called.
 */
export function queueSettings(
  queue: QueueName,
  settings: Partial<Record<QueueSettingKey, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [queueSettingName(queue, key as QueueSettingKey), value]),
  );
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
