import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { MessageAttribute } from '@discord-backbone/contracts';
import { originalMessageId } from './dead-letter.publisher';

/**
 * The attributes that say why and when a message was dead-lettered. They describe one failure;
 * a replayed message leaves them behind (a new failure writes fresh ones).
 */
export const REASON_ATTRIBUTES: readonly string[] = [
  MessageAttribute.ERROR_CLASS,
  MessageAttribute.ERROR_MESSAGE,
  MessageAttribute.ORIGINAL_RECEIVE_COUNT,
  MessageAttribute.ORIGINAL_QUEUE,
  MessageAttribute.FAILED_AT,
];

/** A DLQ message as an operator reads it: the reason attributes, typed. */
export interface DeadLetter {
  messageId: string;
  /** The id the message was first delivered under: consumers' idempotency key when it has no event id. */
  originalMessageId: string;
  /** Undefined when SQS's redrive policy moved the message (a crash loop): no reason was written. */
  errorClass?: string;
  errorMessage?: string;
  receiveCount?: number;
  originalQueue?: string;
  failedAt?: Date;
  /** When the message was sent to the DLQ (the worker's dead-letter) or, after a redrive-policy move, to its queue. */
  sentAt?: Date;
  traceId?: string;
  messageGroupId?: string;
  body: string;
}

const dateOf = (value: string | undefined): Date | undefined => {
  if (value === undefined) return undefined;
  const date = /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/** The trace id of a W3C traceparent (`00-<trace id>-<span id>-<flags>`). */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent ?? '')?.[1];
}

/** Reads a DLQ message received with `MessageAttributeNames: ['All']` and the SentTimestamp / MessageGroupId system attributes. */
export function readDeadLetter(message: Message): DeadLetter {
  const text = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  const receiveCount = Number(text(MessageAttribute.ORIGINAL_RECEIVE_COUNT));
  return {
    messageId: message.MessageId ?? 'unknown',
    originalMessageId: originalMessageId(message),
    errorClass: text(MessageAttribute.ERROR_CLASS),
    errorMessage: text(MessageAttribute.ERROR_MESSAGE),
    receiveCount: Number.isInteger(receiveCount) && receiveCount > 0 ? receiveCount : undefined,
    originalQueue: text(MessageAttribute.ORIGINAL_QUEUE),
    failedAt: dateOf(text(MessageAttribute.FAILED_AT)),
    sentAt: dateOf(message.Attributes?.SentTimestamp),
    traceId: traceIdOf(text(MessageAttribute.TRACEPARENT)),
    messageGroupId: message.Attributes?.MessageGroupId,
    body: message.Body ?? '',
  };
}

/**
 * The attributes a DLQ message goes back to its queue with: every attribute it has (the trace
 * context, the producer's own) except the reason of its last failure, plus `original.message_id`
 * (set from the message id when SQS's redrive policy moved it), so consumers key it as before.
 */
export function replayAttributes(message: Message): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (REASON_ATTRIBUTES.includes(name)) continue;
    attributes[name] = { DataType: value.DataType, StringValue: value.StringValue, BinaryValue: value.BinaryValue };
  }
  attributes[MessageAttribute.ORIGINAL_MESSAGE_ID] = { DataType: 'String', StringValue: originalMessageId(message) };
  return attributes;
}
