import type { QueueName } from '@discord-backbone/contracts';

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');

export interface OutboxOptions {
  /** Queue URL of each destination messages may be staged for; staging for another throws. */
  destinations: Partial<Record<QueueName, string>>;
  /** Consumer role (the sender) only: the wait between rounds that found less than a full round (OUTBOX_POLL_INTERVAL_MS, 250 unless set). */
  pollIntervalMs?: number;
  /** Consumer role only: longest wait between send attempts of a message SQS refused (OUTBOX_MAX_RETRY_DELAY_MS, 30 s unless set). */
  maxRetryDelayMs?: number;
  /**
   * The outbox table messages are staged into, schema-qualified when it is not on the host
   * connection's search_path (`discord_backbone.outbox_messages`, which `outboxTable()` of
   * `@discord-backbone/prisma` gives; quoted by the library). Default `outbox_messages`.
   * Staging only: the dispatcher reads `outbox_messages` through this project's own connection, so
   * it must find the same table there.
   */
  table?: string;
}

export const DEFAULT_OUTBOX_POLL_INTERVAL_MS = 250;
export const DEFAULT_OUTBOX_MAX_RETRY_DELAY_MS = 30_000;

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
