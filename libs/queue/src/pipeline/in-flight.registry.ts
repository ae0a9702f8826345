import type { Message } from '@aws-sdk/client-sqs';
import { Injectable, Logger } from '@nestjs/common';
import type { ConsumerSettings } from '../queue.options';
import { MessageVisibility } from './message-visibility';
import { TaskProtection } from './task-protection';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every message the app holds, from receive until its batch returns: keeps them invisible while
 * they are worked on (a heartbeat every third of the visibility timeout), and at shutdown waits
 * for them, then hands back whatever is unfinished. Messages go back to the queue through their
 * batch (InFlightBatch.handBack).
 */
@Injectable()
export class InFlightRegistry {
  private readonly logger = new Logger(InFlightRegistry.name);
  private readonly batches = new Set<InFlightBatch>();
  private closed = false;

  constructor(
    private readonly visibility: MessageVisibility,
    private readonly protection: TaskProtection,
  ) {}

  /** True once shutdown has handed messages back: a receive finishing now must be handed back too (handBackUnheld). */
  get closing(): boolean {
    return this.closed;
  }

  /** Starts holding a received batch; call `finish()` when its messages are settled. */
  track(consumer: ConsumerSettings, messages: Message[]): InFlightBatch {
    const batch = new InFlightBatch(this.visibility, consumer, messages, () => {
      if (this.batches.delete(batch)) this.protection.release(messages.length);
    });
    this.batches.add(batch);
    this.protection.acquire(messages.length);
    batch.startHeartbeat();
    return batch;
  }

  /**
   * A receive that completed after shutdown's drain: never held (no heartbeat, no task
   * protection), so its messages are handed back at once (visibility 0).
   */
  async handBackUnheld(consumer: ConsumerSettings, messages: Message[]): Promise<void> {
    await new InFlightBatch(this.visibility, consumer, messages, () => undefined).handBack(messages, 0);
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

/**
 * One received batch in hand, and the one way its messages go back to the queue: `handBack`
 * (a retry's backoff, an outage hold, a message behind a waiting one, shutdown's release).
 */
export class InFlightBatch {
  /** Messages that go back after a decided delay: no longer extended; the drain hands them back with it. */
  private readonly delays = new Map<Message, number>();
  private readonly settled = new Set<Message>();
  private released = false;
  private timer?: NodeJS.Timeout;
  private tick: Promise<void> = Promise.resolve();

  constructor(
    private readonly visibility: MessageVisibility,
    private readonly consumer: ConsumerSettings,
    private readonly messages: Message[],
    readonly finish: () => void,
  ) {}

  /**
   * Keeps the messages invisible while they are worked on: every third of the visibility timeout,
   * everything but a message given a delay (its backoff must not be overwritten); finished
   * messages too, until they are deleted, so they cannot reappear.
   */
  startHeartbeat(): void {
    const everyMs = Math.max(1000, (this.consumer.visibilityTimeout * 1000) / 3);
    this.timer = setInterval(() => {
      this.tick = this.visibility.set(
        this.consumer,
        this.messages.filter((m) => !this.delays.has(m)),
        this.consumer.visibilityTimeout,
      );
    }, everyMs);
  }

  /** Applied or dead-lettered: waiting only to be deleted; never handed back by the drain. */
  settle(message: Message): void {
    this.settled.add(message);
  }

  /**
   * Hands the messages back to the queue: visible again `seconds` from now (one
   * ChangeMessageVisibility call; never throws). From now on the heartbeat leaves them alone and
   * the drain hands them back with the same delay.
   */
  async handBack(messages: Message[], seconds: number): Promise<void> {
    for (const message of messages) this.handBackLater(message, seconds);
    await this.visibility.set(this.consumer, messages, seconds);
  }

  /**
   * Decided to hand the message back after `seconds`, with the call to come (`handBack`, once the
   * heartbeat has stopped): no longer extended meanwhile, and the drain hands it back with that delay.
   */
  handBackLater(message: Message, seconds: number): void {
    this.delays.set(message, seconds);
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

  /** Shutdown: hands back every unsettled message (with its delay, if one was decided, else at once). */
  async release(): Promise<number> {
    const left = this.unsettled();
    if (this.released) return 0;
    this.released = true;
    await this.stopHeartbeat();
    const byDelay = new Map<number, Message[]>();
    for (const message of left) {
      const delay = this.delays.get(message) ?? 0;
      byDelay.set(delay, [...(byDelay.get(delay) ?? []), message]);
    }
    await Promise.all([...byDelay].map(([delay, messages]) => this.handBack(messages, delay)));
    return left.length;
  }
}
