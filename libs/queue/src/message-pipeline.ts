import { ChangeMessageVisibilityBatchCommand, ChangeMessageVisibilityCommand, Message, MessageAttributeValue, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MessageAttribute } from '@app/contracts';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { context, Link, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SqsService } from '@ssut/nestjs-sqs';
import { createHash } from 'node:crypto';
import { classifyError, describeError, IdempotencyConflictError, MalformedMessageError, PermanentError, RetryLaterError } from './errors';
import { retryDelaySeconds } from './backoff';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { EffectContext, EffectRoute, MessageRoute } from './message-route';
import { AttemptStore } from './attempt.store';
import { originalMessageId } from './dead-letter.publisher';
import { ProcessedMessageStore } from './processed-message.store';
import { ConsumerSettings, QUEUE_OPTIONS, QueueModuleOptions, SQS_CLIENT } from './queue.options';
import { extractTraceContext } from './trace-context';
import { PostgresOutageGate } from './postgres-outage.gate';

/**
 * `held`: handed back uncounted because Postgres is unreachable. `requeued`: the same, but as a
 * fresh copy (its receive count was at the redrive limit); the original is deleted.
 */
export type Outcome = 'applied' | 'duplicate' | 'dead_lettered' | 'retry' | 'released' | 'held' | 'requeued';

/** What the pipeline needs of any route to open a message. */
type Decoder<T> = Pick<MessageRoute<T>, 'decode' | 'typeOf'> & Partial<Pick<MessageRoute<T>, 'idempotencyKey'>>;

/** One received message on its way through the pipeline. */
interface Entry<T> {
  message: Message;
  span: Span;
  receiveCount: number;
  payload?: T;
  key?: string;
  payloadHash?: string;
  outcome?: Outcome;
  error?: unknown;
  /** Set when the message is to be retried: its new visibility timeout. */
  retryDelay?: number;
  /** processEach: failed handler attempts so far (this one included once it failed and counted). */
  failedAttempts?: number;
}

interface InFlight {
  message: Message;
  consumer: ConsumerSettings;
  heartbeat: Heartbeat;
  /** Applied or dead-lettered, waiting for the batch to return: never handed back by the drain. */
  settled?: boolean;
  /** Decided to retry after this many seconds: the drain hands it back with that delay, not at once. */
  retryDelay?: number;
}

const tracer = trace.getTracer('queue');
/** Visibility of a message handed back during a Postgres outage: consumers are paused meanwhile anyway. */
const OUTAGE_HOLD_SECONDS = 10;

/**
 * The one dispatcher every consumer runs its messages through:
 * decode → validate → trace context → idempotency → handle → classify errors.
 *
 * Two modes. processBatch (effects in Postgres) takes a received batch (a batch
 * @SqsMessageHandler) and applies all its valid messages in one transaction; if that transaction
 * fails, each message is retried alone so one bad message cannot hold back the others.
 * processEach (effects elsewhere, e.g. Discord) hands messages one by one to an idempotent
 * handler, keeping message-group order and counting only real failures as attempts. @ssut/nestjs-sqs binds handlers at boot (no Nest interceptors)
 * and sqs-consumer deletes whatever the handler returns, so this class returns exactly the
 * messages that are done: applied, duplicate, or dead-lettered with the reason. Transient
 * failures stay on the queue with the visibility timeout set to the backoff delay. While the
 * batch is worked on, its visibility is extended; shutdown waits for it.
 */
@Injectable()
export class MessagePipeline implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MessagePipeline.name);
  private readonly consumers: Map<string, ConsumerSettings>;
  private readonly inFlight = new Map<string, InFlight>();
  private shuttingDown = false;

  constructor(
    @Inject(SQS_CLIENT) private readonly sqs: SQSClient,
    @Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly store: ProcessedMessageStore,
    private readonly attempts: AttemptStore,
    private readonly sqsService: SqsService,
    private readonly outageGate: PostgresOutageGate,
  ) {
    this.consumers = new Map(options.consumers.map((c) => [c.name, c]));
  }

  /** Processes one received batch; resolves with the messages to delete. */
  async processBatch<T>(messages: Message[], route: MessageRoute<T>): Promise<Message[]> {
    const consumer = this.consumers.get(route.consumer);
    if (!consumer) throw new Error(`No consumer settings for ${route.consumer}`);
    if (this.shuttingDown) {
      // A receive that completed after stop() was requested: hand it straight back.
      await this.changeVisibilityBatch(consumer, messages, 0);
      return [];
    }

    // Keeps the batch invisible while it is worked on (slow work must not be delivered twice).
    const heartbeat = new Heartbeat(consumer.visibilityTimeout, () => this.changeVisibilityBatch(consumer, messages, consumer.visibilityTimeout));
    for (const message of messages) this.inFlight.set(message.MessageId ?? '', { message, consumer, heartbeat });
    const entries = messages.map((message) => this.open(message, consumer, route));
    const valid = entries.filter((e) => e.payload !== undefined && e.error === undefined);
    let outage: unknown;
    try {
      try {
        await this.apply(valid, route, consumer);
      } catch (batchError) {
        if (classifyError(batchError) === 'unavailable') outage = batchError;
        // Find the culprit: every message on its own, so the others still go through.
        for (const entry of outage === undefined ? valid : []) {
          try {
            await this.apply([entry], route, consumer);
          } catch (error) {
            if (classifyError(error) === 'unavailable') {
              outage = error;
              break;
            }
            entry.error = error;
          }
        }
      }
    } finally {
      await heartbeat.stop(); // before any backoff is set: a late tick must not overwrite it
    }

    const done: Message[] = [];
    if (outage !== undefined) {
      // Postgres is down: no message is at fault. Hand back what was not applied, uncounted.
      this.outageGate.reportUnavailable(outage);
      const unapplied = valid.filter((e) => e.outcome === undefined && e.error === undefined);
      done.push(...(await this.holdForOutage(consumer, unapplied)));
      for (const entry of unapplied) this.close(entry, entry.outcome!);
    }
    for (const entry of entries.filter((e) => e.outcome !== 'held' && e.outcome !== 'requeued')) {
      // Released by the shutdown drain: another worker owns it now, so neither retry nor dead-letter.
      const released = this.shuttingDown && !this.inFlight.has(entry.message.MessageId ?? '');
      if (entry.error !== undefined && !released) await this.fail(entry, consumer);
      if (entry.retryDelay !== undefined) await this.changeVisibilityBatch(consumer, [entry.message], entry.retryDelay);
      const outcome = entry.error === undefined ? entry.outcome! : released ? 'retry' : entry.outcome!;
      if (this.close(entry, outcome)) done.push(entry.message);
    }
    return done;
  }

  /**
   * Processes one received batch message by message (see EffectRoute): message groups in
   * parallel, each group in receive order. When a message of a group is to be retried, the
   * group's later messages are handed back untouched, so FIFO order survives retries.
   * Resolves with the messages to delete.
   */
  async processEach<T>(messages: Message[], route: EffectRoute<T>): Promise<Message[]> {
    const consumer = this.consumers.get(route.consumer);
    if (!consumer) throw new Error(`No consumer settings for ${route.consumer}`);
    if (this.shuttingDown) {
      await this.changeVisibilityBatch(consumer, messages, 0);
      return [];
    }
    const entries = messages.map((message) => this.open(message, consumer, route));
    let prior: Map<string, number>;
    try {
      prior = await this.attempts.load(consumer.name, entries.map((e) => originalMessageId(e.message)));
    } catch (error) {
      if (classifyError(error) === 'unavailable') {
        // Postgres is down: the handlers need it too. Everything goes back uncounted, consumers pause.
        this.outageGate.reportUnavailable(error);
        const requeued = await this.holdForOutage(consumer, entries);
        for (const entry of entries) this.close(entry, entry.outcome!);
        return requeued;
      }
      // Without the counts every message starts from zero; the receive count still bounds retries.
      this.logger.warn({ msg: 'Could not load attempt counts', error: describeError(error).message });
      prior = new Map<string, number>();
    }
    for (const entry of entries) entry.failedAttempts = prior.get(originalMessageId(entry.message)) ?? 0;
    // Everything but a retry is extended until the batch returns: a retry's backoff must not be
    // overwritten, and a finished message must not reappear before it is deleted.
    const heartbeat = new Heartbeat(consumer.visibilityTimeout, () =>
      this.changeVisibilityBatch(consumer, entries.filter((e) => e.outcome !== 'retry').map((e) => e.message), consumer.visibilityTimeout),
    );
    for (const message of messages) this.inFlight.set(message.MessageId ?? '', { message, consumer, heartbeat });

    const groups = new Map<string, Entry<T>[]>();
    for (const entry of entries) {
      const key = entry.payload !== undefined && route.orderingKey ? route.orderingKey(entry.payload) : undefined;
      const group = entry.message.Attributes?.MessageGroupId ?? key ?? entry.message.MessageId ?? '';
      groups.set(group, [...(groups.get(group) ?? []), entry]);
    }
    try {
      await Promise.all([...groups.values()].map((group) => this.handleGroup(group, route, consumer)));
    } finally {
      await heartbeat.stop();
    }

    const done: Message[] = [];
    const handBack: Message[] = [];
    const held = entries.filter((e) => e.outcome === 'held');
    if (held.length > 0) done.push(...(await this.holdForOutage(consumer, held)));
    for (const entry of entries) {
      if (entry.retryDelay !== undefined) await this.changeVisibilityBatch(consumer, [entry.message], entry.retryDelay);
      if (entry.outcome === 'released') handBack.push(entry.message);
      if (this.close(entry, entry.outcome ?? 'retry')) done.push(entry.message);
    }
    if (handBack.length > 0) await this.changeVisibilityBatch(consumer, handBack, 0);
    const finished = entries.filter((e) => e.failedAttempts! > 0 && (e.outcome === 'applied' || e.outcome === 'dead_lettered'));
    await this.attempts.forget(consumer.name, finished.map((e) => originalMessageId(e.message))).catch((error: unknown) =>
      this.logger.warn({ msg: 'Could not clear attempt counts', error: describeError(error).message }),
    );
    return done;
  }

  private async handleGroup<T>(group: Entry<T>[], route: EffectRoute<T>, consumer: ConsumerSettings): Promise<void> {
    for (const [index, entry] of group.entries()) {
      const released = () => this.shuttingDown && !this.inFlight.has(entry.message.MessageId ?? '');
      if (released()) {
        entry.outcome = 'retry';
        continue;
      }
      const effectContext: EffectContext = { message: entry.message, receiveCount: entry.receiveCount, attempt: entry.failedAttempts! + 1 };
      if (entry.error === undefined) {
        try {
          await context.with(trace.setSpan(ROOT_CONTEXT, entry.span), () => route.handle(entry.payload!, effectContext));
          this.settle(entry, 'applied');
          continue;
        } catch (error) {
          if (classifyError(error) === 'unavailable') {
            this.outageGate.reportUnavailable(error);
            this.holdGroup(group, index);
            return;
          }
          entry.error = error;
          if (!(error instanceof RetryLaterError)) await this.countFailure(entry, consumer);
        }
      }
      if (released()) {
        entry.outcome = 'retry';
        continue;
      }
      await this.fail(entry, consumer, (failure) =>
        context.with(trace.setSpan(ROOT_CONTEXT, entry.span), () => route.onDeadLetter?.(entry.payload, failure, effectContext) ?? Promise.resolve()),
      );
      if (entry.outcome === 'held') {
        this.holdGroup(group, index);
        return;
      }
      if (entry.outcome === 'dead_lettered') this.settle(entry, 'dead_lettered');
      if (entry.outcome === 'retry') {
        // The group waits for this one: its later messages go back unhandled, in order.
        for (const later of group.slice(index + 1)) later.outcome = 'released';
        return;
      }
    }
  }

  /** Postgres went away while this group was handled: this message and the group's later ones go back uncounted. */
  private holdGroup(group: Entry<unknown>[], from: number): void {
    for (const entry of group.slice(from)) {
      entry.outcome = 'held';
      entry.error = undefined;
    }
  }

  /**
   * Hands messages back while Postgres is unreachable, without counting an attempt. A message
   * whose next receive would exceed the redrive policy's count (SQS would then move it to the DLQ
   * without a reason, though it is not at fault) is sent again as a fresh copy carrying its
   * original message id, which keeps its idempotency key, and the original is deleted: returned
   * among the messages to delete. FIFO queues keep theirs (a copy would leave its group's order).
   */
  private async holdForOutage(consumer: ConsumerSettings, entries: Entry<unknown>[]): Promise<Message[]> {
    const requeued: Message[] = [];
    const hold: Message[] = [];
    for (const entry of entries) {
      entry.outcome = 'held';
      entry.span.setAttribute('messaging.held_for_outage', true);
      const fifo = consumer.queueUrl.endsWith('.fifo');
      if (entry.receiveCount >= consumer.maxReceiveCount && !fifo && (await this.requeue(consumer, entry.message))) {
        entry.outcome = 'requeued';
        requeued.push(entry.message);
      } else hold.push(entry.message);
      const inFlight = this.inFlight.get(entry.message.MessageId ?? '');
      if (inFlight) inFlight.retryDelay = OUTAGE_HOLD_SECONDS;
    }
    if (hold.length > 0) await this.changeVisibilityBatch(consumer, hold, OUTAGE_HOLD_SECONDS);
    if (entries.length > 0) this.logger.warn({ msg: 'Postgres unreachable: messages handed back uncounted', consumer: consumer.name, held: hold.length, requeued: requeued.length });
    return requeued;
  }

  /** Sends the message again unchanged, with its original id; true when SQS took it. */
  private async requeue(consumer: ConsumerSettings, message: Message): Promise<boolean> {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [key, value] of Object.entries(message.MessageAttributes ?? {})) {
      attributes[key] = { DataType: value.DataType, StringValue: value.StringValue, BinaryValue: value.BinaryValue };
    }
    attributes[MessageAttribute.ORIGINAL_MESSAGE_ID] = { DataType: 'String', StringValue: originalMessageId(message) };
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: consumer.queueUrl, MessageBody: message.Body ?? '', MessageAttributes: attributes }));
      return true;
    } catch (error) {
      this.logger.warn({ msg: 'Could not requeue a message held for a Postgres outage; handing it back instead', messageId: message.MessageId, error: describeError(error).message });
      return false;
    }
  }

  /** A real failure (not a wait): counted, so waits never use up a message's retries. */
  private async countFailure(entry: Entry<unknown>, consumer: ConsumerSettings): Promise<void> {
    try {
      entry.failedAttempts = await this.attempts.recordFailure(consumer.name, originalMessageId(entry.message));
    } catch (error) {
      // Postgres is down too: count this attempt locally; the receive count still bounds retries.
      entry.failedAttempts = entry.failedAttempts! + 1;
      this.logger.warn({ msg: 'Could not record a failed attempt', ...logContext(entry), error: describeError(error).message });
    }
  }

  private settle(entry: Entry<unknown>, outcome: 'applied' | 'dead_lettered'): void {
    entry.outcome = outcome;
    const inFlight = this.inFlight.get(entry.message.MessageId ?? '');
    if (inFlight) inFlight.settled = true;
  }

  /** Ends the message's span; true when the message is done and may be deleted. */
  private close(entry: Entry<unknown>, outcome: Outcome): boolean {
    entry.span.setAttribute('messaging.outcome', outcome);
    entry.span.end();
    this.inFlight.delete(entry.message.MessageId ?? '');
    return outcome !== 'retry' && outcome !== 'released' && outcome !== 'held';
  }

  /** Span from the producer's trace context, then decode and validate. */
  private open<T>(message: Message, consumer: ConsumerSettings, route: Decoder<T>): Entry<T> {
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
    const span = tracer.startSpan(
      'sqs.process_message',
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'aws_sqs',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': consumer.name,
          'messaging.message.id': message.MessageId ?? 'unknown',
          'messaging.aws.sqs.receive_count': receiveCount,
        },
      },
      extractTraceContext(message.MessageAttributes),
    );
    const entry: Entry<T> = { message, span, receiveCount };
    try {
      entry.payload = route.decode(parseJson(message.Body));
      if (route.idempotencyKey) {
        entry.key = route.idempotencyKey(entry.payload, message);
        entry.payloadHash = payloadHash(entry.payload);
      }
      span.setAttribute('messaging.message.type', route.typeOf(entry.payload));
    } catch (error) {
      entry.error = error;
    }
    return entry;
  }

  /** Applies entries in one transaction; sets each entry's outcome, or its error if rejected. */
  private async apply<T>(entries: Entry<T>[], route: MessageRoute<T>, consumer: ConsumerSettings): Promise<void> {
    if (entries.length === 0) return;
    // The same key twice in one batch (a resent event): only the first may apply.
    const owners = new Map<string, Entry<T>>();
    for (const entry of entries) if (!owners.has(entry.key!)) owners.set(entry.key!, entry);
    const unique = [...owners.values()];

    const links: Link[] = entries.map((e) => ({ context: e.span.spanContext() }));
    // One message: a child of its process span. Several: a batch span linked to each of them.
    const batchSpan = tracer.startSpan(
      'sqs.process_batch',
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes: { 'messaging.system': 'aws_sqs', 'messaging.destination.name': consumer.name, 'messaging.batch.message_count': unique.length },
      },
      unique.length === 1 ? trace.setSpan(ROOT_CONTEXT, unique[0].span) : ROOT_CONTEXT,
    );
    try {
      const { duplicates } = await context.with(trace.setSpan(ROOT_CONTEXT, batchSpan), () =>
        this.store.applyOnce(
          consumer.name,
          unique.map((e) => ({ key: e.key!, messageId: e.message.MessageId ?? 'unknown', payloadHash: e.payloadHash! })),
          async (fresh, tx) => {
            const toApply = unique.filter((e) => fresh.has(e.key!));
            const rejections = await route.applyBatch(toApply.map((e) => e.payload!), tx);
            for (const [index, error] of rejections) toApply[index].error = error;
            return { rejected: [...rejections.keys()].map((i) => toApply[i].key!) };
          },
        ),
      );
      for (const entry of entries) {
        if (entry.error !== undefined) continue;
        const owner = owners.get(entry.key!)!;
        const isDuplicate = duplicates.has(entry.key!) || owner !== entry;
        // What the key was applied with: an earlier batch's payload, or this batch's first copy.
        const appliedHash = duplicates.has(entry.key!) ? duplicates.get(entry.key!) : owner.payloadHash;
        if (isDuplicate && appliedHash && appliedHash !== entry.payloadHash) {
          entry.error = new IdempotencyConflictError(`Key ${entry.key} was already applied with a different payload`);
          continue;
        }
        entry.outcome = isDuplicate ? 'duplicate' : 'applied';
        if (isDuplicate) this.logger.log({ msg: 'Duplicate message skipped', ...logContext(entry), key: entry.key });
      }
    } catch (error) {
      // Rejections recorded above belong to a transaction that did not commit.
      for (const entry of entries) if (entry.error instanceof PermanentError) entry.error = undefined;
      batchSpan.recordException(error instanceof Error ? error : new Error(String(error)));
      batchSpan.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      batchSpan.end();
    }
  }

  /**
   * Dead-letters permanent failures and exhausted retries (after the route's hook, if any);
   * otherwise marks the entry for retry with its delay, which the caller applies once the
   * heartbeat has stopped. Sets the entry's outcome.
   */
  private async fail(
    entry: Entry<unknown>,
    consumer: ConsumerSettings,
    beforeDeadLetter?: (failure: { errorClass: string; message: string; error: unknown }) => Promise<void>,
  ): Promise<void> {
    const { message, span, receiveCount, error } = entry;
    const { errorClass, message: reason } = describeError(error);
    span.recordException(error instanceof Error ? error : new Error(reason));
    span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    span.setAttribute('error.type', errorClass);
    const disposition = classifyError(error);
    // Per-message consumers count failed attempts; batch consumers, receives. Either way, the
    // redrive policy's last receive is the consumer's last chance to attach the reason.
    const attempts = entry.failedAttempts ?? receiveCount;
    const exhausted = attempts >= (consumer.maxAttempts ?? consumer.maxReceiveCount) || receiveCount >= consumer.maxReceiveCount;
    const log = { ...logContext(entry), receiveCount, attempts, errorClass, error: reason, disposition };
    const retry = (delay: number) => {
      span.setAttribute('messaging.retry_delay_seconds', delay);
      entry.outcome = 'retry';
      entry.retryDelay = delay;
      const inFlight = this.inFlight.get(message.MessageId ?? '');
      if (inFlight) inFlight.retryDelay = delay;
    };
    const backoff = retryDelaySeconds(Math.max(1, attempts), consumer.retryBaseDelaySeconds, consumer.retryMaxDelaySeconds);

    if (disposition === 'permanent' || exhausted) {
      const deadLetterClass = disposition === 'permanent' ? errorClass : `RetriesExhausted:${errorClass}`;
      try {
        await beforeDeadLetter?.({ errorClass: deadLetterClass, message: reason, error });
      } catch (hookError) {
        if (classifyError(hookError) === 'unavailable') {
          this.outageGate.reportUnavailable(hookError);
          entry.outcome = 'held';
          return;
        }
        this.logger.error({ msg: 'Dead-letter hook failed; message left on the queue', ...logContext(entry), error: describeError(hookError).message });
        return retry(backoff);
      }
      this.logger.error({ msg: 'Message dead-lettered', ...log, ...(disposition === 'transient' ? { retriesExhausted: true } : {}) });
      try {
        await this.deadLetters.publish(consumer, message, { errorClass: deadLetterClass, message: reason, receiveCount });
        entry.outcome = 'dead_lettered';
      } catch (dlqError) {
        // Never delete what could not be dead-lettered: leave it for redelivery / the redrive policy.
        this.logger.error({ msg: 'Dead-lettering failed; message left on the queue', ...logContext(entry), error: describeError(dlqError).message });
        entry.outcome = 'retry';
      }
      return;
    }

    // A dependency that says when to come back (a rate limit's retry-after) is believed.
    const delay = error instanceof RetryLaterError ? Math.min(consumer.retryMaxDelaySeconds, Math.max(1, Math.ceil(error.retryAfterSeconds))) : backoff;
    this.logger.warn({ msg: 'Message failed; will retry', ...log, retryDelaySeconds: delay });
    retry(delay);
  }

  private async changeVisibilityBatch(consumer: ConsumerSettings, messages: Message[], seconds: number): Promise<void> {
    try {
      if (messages.length === 1) {
        await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: consumer.queueUrl, ReceiptHandle: messages[0].ReceiptHandle, VisibilityTimeout: seconds }));
        return;
      }
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: consumer.queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: seconds })),
        }),
      );
    } catch (error) {
      // Not fatal: at worst a message comes back when its current visibility ends.
      this.logger.warn({ msg: 'ChangeMessageVisibility failed', count: messages.length, seconds, error: describeError(error).message });
    }
  }

  /**
   * Runs after @ssut/nestjs-sqs has told its consumers to stop (onModuleDestroy) and before
   * Prisma disconnects (onApplicationShutdown): wait for receives and handlers to finish, then
   * hand anything still in flight back to the queue so nothing stays invisible.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const deadline = Date.now() + this.options.shutdownDrainTimeoutMs;
    const busy = () =>
      this.inFlight.size > 0 || [...this.sqsService.consumers.values()].some(({ instance }) => instance.status.isPolling);
    while (busy() && Date.now() < deadline) await sleep(50);
    this.shuttingDown = true;
    const left = [...this.inFlight.values()].filter((f) => !f.settled);
    this.inFlight.clear();
    await Promise.all(left.map(({ heartbeat }) => heartbeat.stop())); // a late tick would hide them again
    if (left.length > 0) {
      this.logger.warn({ msg: 'Drain timed out; releasing in-flight messages', count: left.length });
      await Promise.all(left.map(({ consumer, message, retryDelay }) => this.changeVisibilityBatch(consumer, [message], retryDelay ?? 0)));
    }
    this.logger.log({ msg: 'Consumers drained', released: left.length });
  }
}

/** Extends visibility every third of the timeout; stop() also waits for a tick in progress. */
class Heartbeat {
  private readonly timer: NodeJS.Timeout;
  private tick: Promise<void> = Promise.resolve();

  constructor(visibilityTimeoutSeconds: number, extend: () => Promise<void>) {
    const everyMs = Math.max(1000, (visibilityTimeoutSeconds * 1000) / 3);
    this.timer = setInterval(() => {
      this.tick = extend();
    }, everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.tick;
  }
}

/** Message id and trace id on every line about a message (its span is not the active one). */
function logContext(entry: Entry<unknown>): { messageId?: string; trace_id: string; span_id: string } {
  const { traceId, spanId } = entry.span.spanContext();
  return { messageId: entry.message.MessageId, trace_id: traceId, span_id: spanId };
}

/** SHA-256 of the payload as JSON with sorted keys: the same event hashes the same however it is spelled. */
function payloadHash(payload: unknown): string {
  const canonical = JSON.stringify(payload, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
  return createHash('sha256').update(canonical).digest('hex');
}

function parseJson(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    throw new MalformedMessageError(`Message body is not valid JSON: ${(body ?? '').slice(0, 80)}`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
