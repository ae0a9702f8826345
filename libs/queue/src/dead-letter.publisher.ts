import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  Message,
  MessageAttributeValue,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MessageAttribute } from '@discord-backbone/contracts';
import { ConsumerSettings, QUEUE_OPTIONS, QueueModuleOptions, SQS_CLIENT } from './queue.options';

/** The id a message was first delivered under: kept across a DLQ round trip by the attribute. */
export function originalMessageId(message: Message): string {
  return (
    message.MessageAttributes?.[MessageAttribute.ORIGINAL_MESSAGE_ID]?.StringValue ?? message.MessageId ?? 'unknown'
  );
}

/**
 * The URL of the queue's RedrivePolicy target (its DLQ), or undefined when it has no policy.
 * Throws when the policy names a queue that does not exist.
 */
export async function redriveTargetUrl(sqs: SQSClient, queueUrl: string): Promise<string | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
  );
  const arn = Attributes?.RedrivePolicy
    ? (JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn
    : undefined;
  if (!arn) return undefined;
  const [, , , , accountId, queueName] = arn.split(':');
  const { QueueUrl: url } = await sqs.send(
    new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: accountId }),
  );
  if (!url) throw new Error(`Dead-letter queue ${arn} of ${queueUrl} was not found`);
  return url;
}

/** The queue's ARN: the same queue has one ARN however its URL is spelled (legacy hosts, endpoints, case). */
async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string | undefined> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn;
}

/** SQS allows at most 10 message attributes and 256 KiB in all; the reason is kept short. */
const MAX_REASON_LENGTH = 1024;

export interface DeadLetterReason {
  errorClass: string;
  message: string;
  receiveCount: number;
}

/**
 * Moves a message to its queue's DLQ with the reason attached as message attributes.
 * The body is kept byte for byte so the message can be replayed unchanged.
 */
@Injectable()
export class DeadLetterPublisher implements OnModuleInit {
  private readonly logger = new Logger(DeadLetterPublisher.name);
  private readonly urls = new Map<string, string>();

  constructor(
    @Inject(SQS_CLIENT) private readonly sqs: SQSClient,
    @Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions,
  ) {}

  /** A consumer without a reachable DLQ must not start: permanent failures would have nowhere to go. */
  async onModuleInit(): Promise<void> {
    for (const consumer of this.options.consumers) await this.resolve(consumer);
  }

  /** Finds the DLQ (explicit setting, else the queue's RedrivePolicy); fails start-up if there is none. */
  async resolve(consumer: ConsumerSettings): Promise<string> {
    const known = this.urls.get(consumer.name);
    if (known) return known;
    const setting = consumer.deadLetterQueueUrlSetting ?? 'its dead-letter queue URL';
    const url = consumer.deadLetterQueueUrl || (await redriveTargetUrl(this.sqs, consumer.queueUrl));
    if (!url) {
      throw new Error(
        `Queue ${consumer.queueUrl} has no RedrivePolicy and no dead-letter queue URL is configured (${setting})`,
      );
    }
    // Dead-lettering into the queue itself would hand every poison message straight back, forever.
    const [sourceArn, targetArn] = await Promise.all([queueArn(this.sqs, consumer.queueUrl), queueArn(this.sqs, url)]);
    if (sourceArn !== undefined && sourceArn === targetArn) {
      throw new Error(
        consumer.deadLetterQueueUrl
          ? `${setting} is the ${consumer.name} queue itself (${url}): set it to that queue's dead-letter queue`
          : `The RedrivePolicy of ${consumer.queueUrl} names the queue itself as its dead-letter queue`,
      );
    }
    this.urls.set(consumer.name, url);
    this.logger.log({ msg: 'Dead-letter queue resolved', consumer: consumer.name, deadLetterQueueUrl: url });
    return url;
  }

  async publish(consumer: ConsumerSettings, message: Message, reason: DeadLetterReason): Promise<void> {
    const queueUrl = await this.resolve(consumer);
    const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
    const attributes: Record<string, MessageAttributeValue> = {
      [MessageAttribute.ERROR_CLASS]: text(reason.errorClass),
      [MessageAttribute.ERROR_MESSAGE]: text(reason.message.slice(0, MAX_REASON_LENGTH) || '(no message)'),
      [MessageAttribute.ORIGINAL_MESSAGE_ID]: text(originalMessageId(message)),
      [MessageAttribute.ORIGINAL_RECEIVE_COUNT]: { DataType: 'Number', StringValue: String(reason.receiveCount) },
      [MessageAttribute.ORIGINAL_QUEUE]: text(consumer.name),
      [MessageAttribute.FAILED_AT]: text(new Date().toISOString()),
    };
    for (const key of [MessageAttribute.TRACEPARENT, MessageAttribute.TRACESTATE]) {
      const value = message.MessageAttributes?.[key];
      if (value?.StringValue) attributes[key] = text(value.StringValue);
    }
    const fifo = queueUrl.endsWith('.fifo');
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: message.Body ?? '',
        MessageAttributes: attributes,
        ...(fifo
          ? {
              MessageGroupId: message.Attributes?.MessageGroupId ?? 'dead-letter',
              MessageDeduplicationId: message.MessageId,
            }
          : {}),
      }),
    );
  }
}
