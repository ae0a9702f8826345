import type { Message } from '@aws-sdk/client-sqs';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { SqsService } from '@ssut/nestjs-sqs';
import type { BatchRoute, EffectRoute } from './message-route';
import { BatchPipeline } from './pipeline/batch.pipeline';
import { EffectPipeline } from './pipeline/effect.pipeline';
import { InFlightRegistry } from './pipeline/in-flight.registry';
import { ConsumerSettings, QUEUE_OPTIONS, QueueModuleOptions } from './queue.options';

/**
 * The one dispatcher every consumer runs its messages through (pipeline/ holds its parts):
 * open (span from the producer's trace context, decode, validate) → apply → decide on failures
 * (decideFailure) → settle (delete, retry with backoff, dead-letter with the reason, or hold
 * while Postgres is down).
 *
 * Two modes, each named the same in its method, route, pipeline and file. Batch mode
 * (processBatch, BatchRoute, BatchPipeline; effects in Postgres) applies a received batch in one
 * transaction with its idempotency keys. Effect mode (processEffects, EffectRoute, EffectPipeline;
 * effects elsewhere, such as Discord) hands messages one by one to an idempotent handler, keeping
 * message-group order and counting only real failures as attempts. @ssut/nestjs-sqs binds
 * handlers at boot (no Nest interceptors) and sqs-consumer deletes whatever the handler returns,
 * so both resolve with exactly the messages that are done. While a batch is worked on its
 * visibility is extended (InFlightRegistry); shutdown waits for it, then hands back what is
 * unfinished (InFlightBatch.handBack).
 */
@Injectable()
export class MessagePipeline implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MessagePipeline.name);
  private readonly consumers: Map<string, ConsumerSettings>;
  /** Batches worked on right now, by consumer, and who waits for a slot. */
  private readonly slots = new Map<string, { busy: number; waiting: (() => void)[] }>();

  constructor(
    @Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions,
    private readonly registry: InFlightRegistry,
    private readonly batches: BatchPipeline,
    private readonly effects: EffectPipeline,
    private readonly sqsService: SqsService,
  ) {
    this.consumers = new Map(options.consumers.map((c) => [c.name, c]));
  }

  /**
   * Batch mode: a received batch of a consumer whose effects live in Postgres; resolves with the
   * messages to delete. With `concurrency` above 1 it resolves as soon as the batch has a slot (so
   * the next receive overlaps this batch's transaction) and the pipeline deletes what is done itself.
   */
  processBatch<T>(messages: Message[], route: BatchRoute<T>): Promise<Message[]> {
    return this.dispatch(route.consumer, messages, async (consumer) => {
      const concurrency = consumer.concurrency ?? 1;
      if (concurrency <= 1) return this.batches.process(consumer, messages, route);
      await this.acquire(consumer.name, concurrency);
      if (this.registry.closing) {
        this.release(consumer.name);
        await this.registry.handBackUnheld(consumer, messages);
        return [];
      }
      void this.batches
        .process(consumer, messages, route, true)
        .catch((error: unknown) =>
          this.logger.error({
            msg: 'Batch failed unexpectedly; its messages come back after their visibility timeout',
            consumer: consumer.name,
            error: String(error),
          }),
        )
        .finally(() => this.release(consumer.name));
      return [];
    });
  }

  /**
   * Effect mode: a received batch of a consumer whose effects live elsewhere (Discord), message by
   * message; resolves with the messages to delete.
   */
  processEffects<T>(messages: Message[], route: EffectRoute<T>): Promise<Message[]> {
    return this.dispatch(route.consumer, messages, (consumer) => this.effects.process(consumer, messages, route));
  }

  /**
   * Runs after @ssut/nestjs-sqs has told its consumers to stop (onModuleDestroy) and before
   * Prisma disconnects (onApplicationShutdown): waits for receives and handlers to finish, then
   * hands anything still in flight back to the queue so nothing stays invisible.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const polling = () => [...this.sqsService.consumers.values()].some(({ instance }) => instance.status.isPolling);
    await this.registry.drain(Date.now() + this.options.shutdownDrainTimeoutMs, polling);
  }

  private async acquire(consumer: string, limit: number): Promise<void> {
    const slots = this.slots.get(consumer) ?? { busy: 0, waiting: [] };
    this.slots.set(consumer, slots);
    if (slots.busy >= limit) await new Promise<void>((resolve) => slots.waiting.push(resolve));
    slots.busy += 1;
  }

  private release(consumer: string): void {
    const slots = this.slots.get(consumer)!;
    slots.busy -= 1;
    slots.waiting.shift()?.();
  }

  private async dispatch(
    name: string,
    messages: Message[],
    run: (consumer: ConsumerSettings) => Promise<Message[]>,
  ): Promise<Message[]> {
    const consumer = this.consumers.get(name);
    if (!consumer) throw new Error(`No consumer settings for ${name}`);
    if (this.registry.closing) {
      // A receive that completed after shutdown handed everything back: this one goes back too.
      await this.registry.handBackUnheld(consumer, messages);
      return [];
    }
    return run(consumer);
  }
}
