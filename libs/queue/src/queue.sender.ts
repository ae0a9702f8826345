import {
  MessageAttributeValue,
  SendMessageBatchCommand,
  SendMessageBatchRequestEntry,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Inject, Injectable } from '@nestjs/common';
import { messageAttributes, QueueContract } from '@discord-backbone/contracts';
import { decodeByType } from './payload.decoder';
import { SQS_CLIENT } from './queue.options';
import { traceContextAttributes } from './trace-context';

/** SQS's limit on the entries of one SendMessageBatch. */
const SQS_BATCH_LIMIT = 10;

/** FIFO coordinates of a message (FIFO queues only). */
export interface SendOptions {
  /** The SQS message group. */
  group?: string;
  /** The SQS deduplication id. */
  dedup?: string;
}

/** One message of `sendAll`, with its FIFO coordinates. */
export interface OutgoingMessage<M extends object> extends SendOptions {
  message: M;
}

/**
 * Sends a contract's messages straight to SQS, for the senders that need no outbox (a worker step
 * that is retried until its messages are sent). Like the outbox, it validates each message against
 * the class the consumer decodes it with (a MessageValidationError, nothing sent), adds the
 * contract's attributes and carries the current trace context to the consumer.
 */
@Injectable()
export class QueueSender {
  constructor(@Inject(SQS_CLIENT) private readonly sqs: SQSClient) {}

  async send<M extends object>(
    queueUrl: string,
    contract: QueueContract<M>,
    message: M,
    options: SendOptions = {},
  ): Promise<void> {
    const { Id: _id, ...entry } = this.entry(contract, message, options, 0);
    await this.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, ...entry }));
  }

  /** Several messages in batches of ten, all validated before the first is sent; throws if SQS refuses one. */
  async sendAll<M extends object>(
    queueUrl: string,
    contract: QueueContract<M>,
    messages: readonly OutgoingMessage<M>[],
  ): Promise<void> {
    const entries = messages.map(({ message, ...options }, i) => this.entry(contract, message, options, i));
    for (let i = 0; i < entries.length; i += SQS_BATCH_LIMIT) {
      const { Failed = [] } = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries.slice(i, i + SQS_BATCH_LIMIT) }),
      );
      if (Failed.length > 0)
        throw new Error(
          `SQS refused ${Failed.length} ${contract.queue} message(s): ${Failed[0].Code ?? 'Error'}: ${Failed[0].Message ?? ''}`,
        );
    }
  }

  private entry<M extends object>(
    contract: QueueContract<M>,
    message: M,
    { group, dedup }: SendOptions,
    index: number,
  ): SendMessageBatchRequestEntry {
    decodeByType(message, contract);
    return {
      Id: String(index),
      MessageBody: JSON.stringify(message),
      ...(group !== undefined ? { MessageGroupId: group } : {}),
      ...(dedup !== undefined ? { MessageDeduplicationId: dedup } : {}),
      MessageAttributes: { ...traceContextAttributes(), ...sqsAttributes(messageAttributes(contract, message)) },
    };
  }
}

/** Attribute values as SQS message attributes: numbers as Number attributes, the rest as String. */
export function sqsAttributes(values: Record<string, string | number>): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [key, value] of Object.entries(values))
    attributes[key] = { DataType: typeof value === 'number' ? 'Number' : 'String', StringValue: String(value) };
  return attributes;
}
