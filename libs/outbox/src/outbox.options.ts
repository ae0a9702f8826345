import type { QueueName } from '@discord-backbone/contracts';

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');

export interface OutboxOptions {
  /** Queue URL of each destination the relay may send to; messages for others wait (and are logged). */
  destinations: Partial<Record<QueueName, string>>;
  /** Run the relay in this process (the API app); a lib user may stage only and relay elsewhere. */
  relay: boolean;
  pollIntervalMs: number;
  /** Longest wait between send attempts of a message SQS refused. */
  maxRetryDelayMs: number;
  /**
   * The outbox table messages are staged into, schema-qualified when it is not on the host
   * connection's search_path (`discord_backbone.outbox_messages`). Default `outbox_messages`.
   * Staging only: the relay reads `outbox_messages` through this project's own connection, so it
   * must find the same table there.
   */
  table?: string;
}

/** A message to send once the transaction that stages it commits. */
export interface OutboundMessage {
  destination: QueueName;
  /** Serialised as JSON. */
  body: object;
  /** Messages with the same key reach SQS in the order they were staged (e.g. the order id). */
  orderingKey: string;
  /** FIFO queues only. */
  messageGroupId?: string;
  deduplicationId?: string;
  /** Message attributes: numbers are sent as SQS Number attributes. */
  attributes?: Record<string, string | number>;
}
