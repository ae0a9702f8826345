import type { Message } from '@aws-sdk/client-sqs';
import { Injectable, Logger } from '@nestjs/common';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AttemptStore } from '../attempt.store';
import { classifyError, describeError, RetryLaterError } from '../errors';
import type { EffectContext, EffectRoute } from '../message-route';
import type { ConsumerSettings } from '../queue.options';
import { backoffSeconds, decideFailure } from './failure-decision';
import { FailureSettler } from './failure.settler';
import { groupInOrder, runInOrder } from './fifo-groups';
import { InFlightBatch, InFlightRegistry } from './in-flight.registry';
import { logContext, OpenedMessage, openMessage } from './message-opening';
import { OutageRelease } from './outage-release';
import { isDone, Outcome } from './outcome';
import { PipelineMetrics } from './pipeline.metrics';

/** A message of a batch in effect mode: its failed attempts so far, and what became of it. */
interface EffectItem<T> {
  opened: OpenedMessage<T>;
  failedAttempts: number;
  outcome?: Outcome;
  /** Set with outcome `retry`: its new visibility. */
  retryDelay?: number;
  /** Why it failed, when it did (for the outcome metric). */
  error?: unknown;
}

/**
 * Effect mode, for effects outside Postgres (Discord), which no transaction makes exactly
 * once: messages go one by one to an idempotent handler, message groups in parallel, each group in
 * receive order; when one must wait, its group's later messages are handed back behind it. Only
 * real failures count as attempts (AttemptStore): waits — a rate limit's retry-after, a held
 * lease, hand-backs, shutdown — never use up a message's retries.
 */
@Injectable()
export class EffectPipeline {
  private readonly logger = new Logger(EffectPipeline.name);

  constructor(
    private readonly registry: InFlightRegistry,
    private readonly attempts: AttemptStore,
    private readonly failures: FailureSettler,
    private readonly outage: OutageRelease,
    private readonly metrics: PipelineMetrics,
  ) {}

  /** Resolves with the messages to delete. */
  async process<T>(consumer: ConsumerSettings, messages: Message[], route: EffectRoute<T>): Promise<Message[]> {
    const batch = this.registry.track(consumer, messages);
    try {
      const items: EffectItem<T>[] = messages.map((message) => ({
        opened: openMessage(message, consumer.name, route),
        failedAttempts: 0,
      }));
      this.metrics.received(
        consumer,
        items.map((i) => i.opened),
      );
      let outage: unknown;
      try {
        const prior = await this.attempts.load(
          consumer.name,
          items.map((i) => i.opened.originalId),
        );
        for (const item of items) item.failedAttempts = prior.get(item.opened.originalId) ?? 0;
      } catch (error) {
        if (classifyError(error) === 'unavailable') outage = error;
        // Without the counts every message starts from zero; the receive count still bounds retries.
        else this.logger.warn({ msg: 'Could not load attempt counts', error: describeError(error).message });
      }
      try {
        if (outage === undefined) {
          const groups = groupInOrder(
            items,
            (i) =>
              i.opened.message.Attributes?.MessageGroupId ??
              groupKey(i.opened, route) ??
              i.opened.message.MessageId ??
              '',
          );
          const outages = await Promise.all(groups.map((group) => this.handleGroup(consumer, batch, route, group)));
          outage = outages.find((e) => e !== undefined);
        }
      } finally {
        await batch.stopHeartbeat();
      }

      if (outage !== undefined) {
        // Postgres is down: the messages it stopped go back uncounted and the consumers pause.
        const held = items.filter((i) => i.outcome === undefined || i.outcome === 'held');
        const requeued = await this.outage.hold(
          outage,
          batch,
          consumer,
          held.map((i) => i.opened),
        );
        for (const item of held) item.outcome = requeued.has(item.opened.message) ? 'requeued' : 'held';
      }
      // Now that the heartbeat has stopped: each retry with its backoff, then what waited behind one at once.
      for (const item of items)
        if (item.outcome === 'retry' && item.retryDelay !== undefined)
          await batch.handBack([item.opened.message], item.retryDelay);
      await batch.handBack(
        items.filter((i) => i.outcome === 'released').map((i) => i.opened.message),
        0,
      );

      const done: Message[] = [];
      for (const item of items) {
        this.metrics.closed(consumer, item.opened, item.outcome!, item.error);
        if (isDone(item.outcome!)) done.push(item.opened.message);
      }
      const finished = items.filter(
        (i) => i.failedAttempts > 0 && (i.outcome === 'applied' || i.outcome === 'dead_lettered'),
      );
      await this.attempts
        .forget(
          consumer.name,
          finished.map((i) => i.opened.originalId),
        )
        .catch((error: unknown) =>
          this.logger.warn({ msg: 'Could not clear attempt counts', error: describeError(error).message }),
        );
      return done;
    } finally {
      batch.finish();
    }
  }

  /** Handles a group in order; returns the error if Postgres became unreachable (the rest of the group is then held). */
  private async handleGroup<T>(
    consumer: ConsumerSettings,
    batch: InFlightBatch,
    route: EffectRoute<T>,
    group: EffectItem<T>[],
  ): Promise<unknown> {
    let outage: unknown;
    const behind = await runInOrder(group, async (item) => {
      const result = await this.handleOne(consumer, batch, route, item);
      if (result.outcome === 'held') {
        outage = result.error;
        return 'wait';
      }
      item.outcome = result.outcome;
      return result.outcome === 'retry' ? 'wait' : 'next';
    });
    // Behind a message that waits: handed back untouched (or held with it during an outage).
    for (const item of behind) item.outcome = outage === undefined ? 'released' : 'held';
    return outage;
  }

  private async handleOne<T>(
    consumer: ConsumerSettings,
    batch: InFlightBatch,
    route: EffectRoute<T>,
    item: EffectItem<T>,
  ): Promise<{ outcome: 'applied' | 'dead_lettered' | 'retry' } | { outcome: 'held'; error: unknown }> {
    const { opened } = item;
    // Handed back by the shutdown drain: another worker owns it now.
    if (batch.isReleased()) return { outcome: 'retry' };
    const effectContext: EffectContext = {
      message: opened.message,
      receiveCount: opened.receiveCount,
      attempt: item.failedAttempts + 1,
    };
    const inSpan = <R>(fn: () => R): R => context.with(trace.setSpan(ROOT_CONTEXT, opened.span), fn);
    let error: unknown;
    if (opened.valid) {
      try {
        await inSpan(() => route.handle(opened.payload, effectContext));
        batch.settle(opened.message);
        return { outcome: 'applied' };
      } catch (thrown) {
        if (classifyError(thrown) === 'unavailable') return { outcome: 'held', error: thrown };
        error = thrown;
        // A wait (a dependency's retry-after) is not an attempt.
        if (!(thrown instanceof RetryLaterError)) item.failedAttempts = await this.countFailure(consumer, item);
      }
    } else {
      error = opened.error;
    }
    if (batch.isReleased()) return { outcome: 'retry' };
    item.error = error;

    const decision = decideFailure({
      error,
      attempts: item.failedAttempts,
      receiveCount: opened.receiveCount,
      consumer,
    });
    if (decision.action === 'hold') return { outcome: 'held', error };
    const settled = await this.failures.settle(
      consumer,
      opened,
      { error, decision, attempts: item.failedAttempts, backoffSeconds: backoffSeconds(item.failedAttempts, consumer) },
      (failure) =>
        inSpan(
          () =>
            route.onDeadLetter?.(opened.valid ? opened.payload : undefined, failure, effectContext) ??
            Promise.resolve(),
        ),
    );
    if (settled.outcome === 'dead_lettered') batch.settle(opened.message);
    if (settled.outcome === 'retry') {
      batch.handBackLater(opened.message, settled.delaySeconds);
      item.retryDelay = settled.delaySeconds;
    }
    return settled;
  }

  /** Records one more failed attempt; counted locally when Postgres cannot record it (the receive count still bounds retries). */
  private async countFailure(consumer: ConsumerSettings, item: EffectItem<unknown>): Promise<number> {
    try {
      return await this.attempts.recordFailure(consumer.name, item.opened.originalId);
    } catch (error) {
      this.logger.warn({
        msg: 'Could not record a failed attempt',
        ...logContext(item.opened),
        error: describeError(error).message,
      });
      return item.failedAttempts + 1;
    }
  }
}

function groupKey<T>(opened: OpenedMessage<T>, route: EffectRoute<T>): string | undefined {
  return opened.valid && route.orderingKey ? route.orderingKey(opened.payload) : undefined;
}
