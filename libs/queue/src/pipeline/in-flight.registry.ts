import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  Message,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { describeError } from '../errors';
import { ConsumerSettings, SQS_CLIENT } from '../queue.options';
import { TaskProtection } from './task-protection';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every message the app holds, from receive until its batch returns: keeps them invisible while
 * they are worked on (a heartbeat every third of the visibility timeout), changes visibility for
 * retries and hand-backs, and at shutdown waits for them, then hands back whatever is unfinished.
 */
@Injectable()
export class InFlightRegistry {
  private readonly logger = new Logger(InFlightRegistry.name);
  private readonly batches = new Set<InFlightBatch>();
  private closed = false;

  constructor(
    @Inject(SQS_CLIENT) private readonly sqs: SQSClient,
    private readonly protection: TaskProtection,
  ) {}

  /** True once shutdown has handed messages back: a receive finishing now must be handed back too. */
  get closing(): boolean {
    return this.closed;
  }

  /** Starts holding a received batch; call `finish()` when its messages are settled. */
  track(consumer: ConsumerSettings, messages: Message[]): InFlightBatch {
    const batch = new InFlightBatch(this, consumer, messages, () => {
      if (this.batches.delete(batch)) this.protection.release(messages.length);
    });
    this.batches.add(batch);
    this.protection.acquire(messages.length);
    return batch;
  }

  /** Sets the messages' visibility (one batch call); never throws: at worst a message comes back when its current visibility ends. */
  async changeVisibility(consumer: ConsumerSettings, messages: Message[], seconds: number): Promise<void> {
    if (messages.length === 0) return;
    try {
      if (messages.length === 1) {
        await this.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: consumer.queueUrl,
            ReceiptHandle: messages[0].ReceiptHandle,
            VisibilityTimeout: seconds,
          }),
        );
        return;
      }
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: consumer.queueUrl,
          Entries: messages.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: seconds,
          })),
        }),
      );
    } catch (error) {
      this.logger.warn({
        msg: 'ChangeMessageVisibility failed',
        count: messages.length,
        seconds,
        error: describeError(error).message,
      });
    }
  }

  /**
   * Shutdown: waits (until `deadline`) for the batches in hand and any receive still running to
   * finish, then hands back every unsettled message — with its retry delay when one was decided,
   * at once otherwise — so nothing stays invisible after the process is gone.
   */
  async drain(deadline: number, receiving: () => boolean): Promise<number> {
    while ((this.batches.size > 0 || receiving()) && Date.now() < deadline) await sleep(50);
    this.closed = true;
    const left = [...this.batches].reduce((sum, batch) => sum + batch.unsettled().length, 0);
    if (left > 0) this.logger.warn({ msg: 'Drain timed out; releasing in-flight messages', count: left });
    await Promise.all([...this.batches].map((batch) => batch.release()));
    this.logger.log({ msg: 'Consumers drained', released: left });
    return left;
  }
}

/** One received batch in hand. */
export class InFlightBatch {
  private readonly retryDelays = new Map<Message, number>();
  private readonly settled = new Set<Message>();
  private released = false;
  private readonly timer: NodeJS.Timeout;
  private tick: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: InFlightRegistry,
    private readonly consumer: ConsumerSettings,
    private readonly messages: Message[],
    readonly finish: () => void,
  ) {
    // Extends everything but a message given a retry delay (its backoff must not be overwritten);
    // finished messages too, until they are deleted, so they cannot reappear.
    const everyMs = Math.max(1000, (consumer.visibilityTimeout * 1000) / 3);
    this.timer = setInterval(() => {
      this.tick = this.registry.changeVisibility(
        consumer,
        this.messages.filter((m) => !this.retryDelays.has(m)),
        consumer.visibilityTimeout,
      );
    }, everyMs);
  }

  /** Applied or dead-lettered: waiting only to be deleted; never handed back by the drain. */
  settle(message: Message): void {
    this.settled.add(message);
  }

  /** Decided to retry after `seconds`: no longer extended, and the drain hands it back with that delay. */
  retryAfter(message: Message, seconds: number): void {
    this.retryDelays.set(message, seconds);
  }

  /** The drain has handed this batch back: its messages belong to the queue again. */
  isReleased(): boolean {
    return this.released;
  }

  /** Stops the heartbeat and waits for a tick in progress (a late tick would overwrite a backoff). */
  async stopHeartbeat(): Promise<void> {
    clearInterval(this.timer);
    await this.tick;
  }

  unsettled(): Message[] {
    return this.released ? [] : this.messages.filter((m) => !this.settled.has(m));
  }

  /** Shutdown: hands back every unsettled message (with its retry delay, if one was decided). */
  async release(): Promise<number> {
    const left = this.unsettled();
    if (this.released) return 0;
    this.released = true;
    await this.stopHeartbeat();
    const byDelay = new Map<number, Message[]>();
    for (const message of left) {
      const delay = this.retryDelays.get(message) ?? 0;
      byDelay.set(delay, [...(byDelay.get(delay) ?? []), message]);
    }
    await Promise.all(
      [...byDelay].map(([delay, messages]) => this.registry.changeVisibility(this.consumer, messages, delay)),
    );
    return left.length;
  }
}
