import type { Message } from '@aws-sdk/client-sqs';
import type { SqlTransaction } from '@discord-backbone/prisma';
import type { PermanentError } from './errors';

/** Permanent failures of some items of a batch, by their index in it; the rest were applied. */
export type Rejections = Map<number, PermanentError>;

/** What a consumer tells the pipeline about its messages; the pipeline does everything else. */
export interface BatchRoute<TPayload> {
  /** Consumer name, as in ConsumerSettings and @SqsMessageHandler. */
  readonly consumer: string;
  /** Validated payload from parsed JSON; throws a PermanentError when the contract is broken. */
  decode(body: unknown): TPayload;
  /** Key that identifies the effect, so a redelivered or resent message applies once. */
  idempotencyKey(payload: TPayload, message: Message): string;
  /** Message type for spans and logs. */
  typeOf(payload: TPayload): string;
  /**
   * Domain effects of several messages in the transaction that also records them as processed
   * (one transaction per received batch keeps the per-message cost low), in plain SQL: this is
   * the hot path. Items that can never succeed are returned as rejections; throwing fails the
   * whole batch, which the pipeline then retries one message at a time to find the culprit.
   */
  applyBatch(payloads: TPayload[], sql: SqlTransaction): Promise<Rejections>;
}

export interface EffectContext {
  message: Message;
  /** 1 on the first delivery; counts waits and hand-backs too. */
  receiveCount: number;
  /** This handler attempt's number: 1 + the failed attempts before it (waits not counted). */
  attempt: number;
}

export interface DeadLetterFailure {
  errorClass: string;
  message: string;
  error: unknown;
}

/**
 * A consumer whose effects live outside Postgres (Discord): no transaction can make them
 * exactly-once, so the handler itself must be idempotent — resume from recorded progress, use
 * natural keys, answer a redelivery from a stored result. Messages are handled one by one,
 * in parallel across FIFO message groups and in order within one.
 */
export interface EffectRoute<TPayload> {
  readonly consumer: string;
  decode(body: unknown): TPayload;
  typeOf(payload: TPayload): string;
  /**
   * Messages of one batch with the same key are handled one after another, in receive order
   * (e.g. an order's create_thread before its status update). FIFO queues' message groups
   * always are; without a key, every message of a standard queue is its own group.
   */
  orderingKey?(payload: TPayload): string;
  handle(payload: TPayload, context: EffectContext): Promise<void>;
  /**
   * Runs once before a message is dead-lettered (permanent error or retries exhausted), e.g. to
   * answer the producer or record the outcome. `payload` is undefined when it could not be decoded.
   * Throwing keeps the message on the queue to be tried again.
   */
  onDeadLetter?(payload: TPayload | undefined, failure: DeadLetterFailure, context: EffectContext): Promise<void>;
}
