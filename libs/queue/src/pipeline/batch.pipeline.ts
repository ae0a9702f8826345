import { createHash } from 'node:crypto';
import { DeleteMessageBatchCommand, Message, SQSClient } from '@aws-sdk/client-sqs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { context, Link, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { classifyError, describeError, IdempotencyConflictError, PermanentError } from '../errors';
import type { BatchRoute } from '../message-route';
import { ProcessedMessageStore } from '../processed-message.store';
import { ConsumerSettings, SQS_CLIENT } from '../queue.options';
import { backoffSeconds, decideFailure } from './failure-decision';
import { FailureSettler } from './failure.settler';
import { InFlightBatch, InFlightRegistry } from './in-flight.registry';
import { logContext, OpenedMessage, openMessage } from './message-opening';
import { OutageRelease } from './outage-release';
import { isDone, Outcome } from './outcome';
import { PipelineMetrics } from './pipeline.metrics';

const tracer = trace.getTracer('queue');

/** A valid message of a batch with its idempotency key, and what became of it. */
interface BatchItem<T> {
  opened: OpenedMessage<T> & { valid: true };
  key: string;
  payloadHash: string;
  result?: { outcome: 'applied' | 'duplicate' } | { error: unknown };
}

/**
 * Batch mode, for effects in Postgres: a received batch's valid messages are applied in one
 * transaction together with their idempotency keys (ProcessedMessageStore). If that transaction
 * fails, each message is applied alone, so one bad message cannot hold back the others.
 */
@Injectable()
export class BatchPipeline {
  private readonly logger = new Logger(BatchPipeline.name);

  constructor(
    private readonly registry: InFlightRegistry,
    private readonly store: ProcessedMessageStore,
    private readonly failures: FailureSettler,
    private readonly outage: OutageRelease,
    @Inject(SQS_CLIENT) private readonly sqs: SQSClient,
    private readonly metrics: PipelineMetrics,
  ) {}

  /**
   * Resolves with the messages to delete: applied, duplicate, dead-lettered or requeued. With
   * `deleteDone` (batches worked on concurrently, see MessagePipeline) it deletes them itself,
   * before the batch leaves the in-flight registry, and resolves with none.
   */
  async process<T>(
    consumer: ConsumerSettings,
    messages: Message[],
    route: BatchRoute<T>,
    deleteDone = false,
  ): Promise<Message[]> {
    const batch = this.registry.track(consumer, messages);
    try {
      const opened = messages.map((message) => openMessage(message, consumer.name, route));
      this.metrics.received(consumer, opened);
      const items: BatchItem<T>[] = opened.flatMap((o) =>
        o.valid
          ? [{ opened: o, key: route.idempotencyKey(o.payload, o.message), payloadHash: payloadHash(o.payload) }]
          : [],
      );
      let outage: unknown;
      try {
        outage = await this.applyOrFindCulprits(consumer, route, items);
      } finally {
        await batch.stopHeartbeat(); // before any backoff is set: a late tick must not overwrite it
      }

      const outcomes = new Map<Message, Outcome>();
      const errors = new Map<Message, unknown>();
      if (outage !== undefined) {
        // Postgres is down: no message is at fault. What was not applied goes back uncounted.
        const unapplied = items.filter(
          (i) => i.result === undefined || ('error' in i.result && classifyError(i.result.error) === 'unavailable'),
        );
        const requeued = await this.outage.hold(
          outage,
          batch,
          consumer,
          unapplied.map((i) => i.opened),
        );
        for (const item of unapplied)
          outcomes.set(item.opened.message, requeued.has(item.opened.message) ? 'requeued' : 'held');
      }
      for (const o of opened) {
        if (outcomes.has(o.message)) continue;
        const item = items.find((i) => i.opened === o);
        const error = o.valid ? (item?.result && 'error' in item.result ? item.result.error : undefined) : o.error;
        if (error === undefined)
          outcomes.set(o.message, (item!.result as { outcome: 'applied' | 'duplicate' }).outcome);
        else {
          errors.set(o.message, error);
          outcomes.set(o.message, await this.failed(consumer, batch, o, error));
        }
      }

      const done: Message[] = [];
      for (const o of opened) {
        const outcome = outcomes.get(o.message)!;
        this.metrics.closed(consumer, o, outcome, errors.get(o.message));
        if (isDone(outcome)) done.push(o.message);
      }
      if (!deleteDone) return done;
      await this.delete(consumer, done);
      return [];
    } finally {
      batch.finish();
    }
  }

  /** A failed delete is not lost work: the message comes back, and its idempotency key makes it a duplicate. */
  private async delete(consumer: ConsumerSettings, messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      const { Failed = [] } = await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: consumer.queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      if (Failed.length > 0)
        this.logger.warn({
          msg: 'Some messages could not be deleted; they will come back as duplicates',
          consumer: consumer.name,
          failed: Failed.length,
        });
    } catch (error) {
      this.logger.warn({
        msg: 'DeleteMessageBatch failed; the messages will come back as duplicates',
        consumer: consumer.name,
        error: describeError(error).message,
      });
    }
  }

  /** Applies every item in one transaction, else each alone; returns the error if Postgres is unreachable. */
  private async applyOrFindCulprits<T>(
    consumer: ConsumerSettings,
    route: BatchRoute<T>,
    items: BatchItem<T>[],
  ): Promise<unknown> {
    try {
      await this.apply(consumer, route, items);
      return undefined;
    } catch (batchError) {
      if (classifyError(batchError) === 'unavailable') return batchError;
    }
    // Find the culprit: every message on its own, so the others still go through.
    for (const item of items) {
      try {
        await this.apply(consumer, route, [item]);
      } catch (error) {
        if (classifyError(error) === 'unavailable') return error;
        item.result = { error };
      }
    }
    return undefined;
  }

  /** Retried after its backoff (the receive count is the attempt count), or dead-lettered. */
  private async failed(
    consumer: ConsumerSettings,
    batch: InFlightBatch,
    opened: OpenedMessage<unknown>,
    error: unknown,
  ): Promise<Outcome> {
    // Handed back by the shutdown drain: another worker owns it now, so neither retry nor dead-letter.
    if (batch.isReleased()) return 'retry';
    const decision = decideFailure({
      error,
      attempts: opened.receiveCount,
      receiveCount: opened.receiveCount,
      consumer,
    });
    if (decision.action === 'hold') return 'retry'; // Postgres went away after the batch: its visibility brings it back
    const settled = await this.failures.settle(consumer, opened, {
      error,
      decision,
      attempts: opened.receiveCount,
      backoffSeconds: backoffSeconds(opened.receiveCount, consumer),
    });
    if (settled.outcome === 'retry') await batch.handBack([opened.message], settled.delaySeconds);
    return settled.outcome === 'held' ? 'retry' : settled.outcome;
  }

  /** Applies items in one transaction; sets each item's result, or throws (nothing committed). */
  private async apply<T>(consumer: ConsumerSettings, route: BatchRoute<T>, items: BatchItem<T>[]): Promise<void> {
    if (items.length === 0) return;
    // The same key twice in one batch (a resent event): only the first may apply.
    const owners = new Map<string, BatchItem<T>>();
    for (const item of items) if (!owners.has(item.key)) owners.set(item.key, item);
    const unique = [...owners.values()];

    const links: Link[] = items.map((i) => ({ context: i.opened.span.spanContext() }));
    // One message: a child of its process span. Several: a batch span linked to each of them.
    const batchSpan = tracer.startSpan(
      'sqs.process_batch',
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes: {
          'messaging.system': 'aws_sqs',
          'messaging.destination.name': consumer.name,
          'messaging.batch.message_count': unique.length,
        },
      },
      unique.length === 1 ? trace.setSpan(ROOT_CONTEXT, unique[0].opened.span) : ROOT_CONTEXT,
    );
    const rejected = new Map<BatchItem<T>, PermanentError>();
    try {
      const { duplicates } = await context.with(trace.setSpan(ROOT_CONTEXT, batchSpan), () =>
        this.store.applyOnce(
          consumer.name,
          unique.map((i) => ({
            key: i.key,
            messageId: i.opened.message.MessageId ?? 'unknown',
            payloadHash: i.payloadHash,
          })),
          async (fresh, sql) => {
            const toApply = unique.filter((i) => fresh.has(i.key));
            const rejections = await route.applyBatch(
              toApply.map((i) => i.opened.payload),
              sql,
            );
            for (const [index, error] of rejections) rejected.set(toApply[index], error);
            return { rejected: [...rejections.keys()].map((index) => toApply[index].key) };
          },
        ),
      );
      for (const item of items) {
        const rejection = rejected.get(item);
        if (rejection) {
          item.result = { error: rejection };
          continue;
        }
        const owner = owners.get(item.key)!;
        const isDuplicate = duplicates.has(item.key) || owner !== item;
        // What the key was applied with: an earlier batch's payload, or this batch's first copy.
        const appliedHash = duplicates.has(item.key) ? duplicates.get(item.key) : owner.payloadHash;
        if (isDuplicate && appliedHash && appliedHash !== item.payloadHash) {
          item.result = {
            error: new IdempotencyConflictError(`Key ${item.key} was already applied with a different payload`),
          };
          continue;
        }
        item.result = { outcome: isDuplicate ? 'duplicate' : 'applied' };
        if (isDuplicate)
          this.logger.log({ msg: 'Duplicate message skipped', ...logContext(item.opened), key: item.key });
      }
    } catch (error) {
      // Rejections found above belong to a transaction that did not commit.
      batchSpan.recordException(error instanceof Error ? error : new Error(String(error)));
      batchSpan.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      batchSpan.end();
    }
  }
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
