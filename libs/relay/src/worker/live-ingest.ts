import type { Logger } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import type { LeaseFence } from '@discord-backbone/prisma';
import { exponentialBackoff } from '@discord-backbone/queue';
import type { DiscordBotSettings, RelaySettings } from '../config/relay-settings';
import { DroppedMessages } from './dropped-messages';
import { abortableSleep } from './gateway-backfill';
import { IncomingMessage } from './incoming-message';
import { FencedWriteError, MessageIngestor } from './message.ingestor';

const INGEST_RETRY_MAX_MS = 30_000;

const droppedCounter = metrics.getMeter('relay').createCounter('relay.ingest.dropped', {
  description:
    'Live Discord messages dropped because too many were waiting for Postgres; the gap backfill fetches them once it is back',
  unit: '{message}',
});

/** What the live ingest asks of its connection. */
export interface LiveIngestConnection {
  settings: RelaySettings;
  bot: DiscordBotSettings;
  ingestor: MessageIngestor;
  dropped: DroppedMessages;
  maxPending: number;
  term: LeaseFence;
  signal: AbortSignal;
  logger: Logger;
  /** Resolves once the backfill has read where each channel starts: live messages wait for it. */
  startsRead(): Promise<void>;
  /** The bot's own user id in this session. */
  selfId(): string;
  /** A message was stored: Postgres takes messages again. */
  stored(): void;
  /** The lease's fence refused a write. */
  fenced(): void;
}

/**
 * The live messages of one gateway connection on their way to Postgres: each channel's stored in
 * the order they came, channels in parallel. A message whose ingest fails (Postgres unreachable)
 * is retried until it is stored or the connection stops; at most `maxPending` messages wait so,
 * in memory. Beyond that a message is dropped (logged, counted) and its channel remembers where to
 * backfill from (DroppedMessages).
 */
export class LiveIngest {
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per channel, the last ingest queued: a channel's messages are stored in the order they came. */
  private readonly channelTails = new Map<string, Promise<unknown>>();
  /** Live messages received and not yet stored (waiting for their channel, or for Postgres). */
  private pending = 0;
  /** Messages dropped since the last backfill that recovered them (logged once per outage). */
  private droppedSinceBackfill = 0;

  constructor(private readonly connection: LiveIngestConnection) {}

  /** Ingests still running (waiting for their channel, their turn, or Postgres). */
  get work(): Promise<unknown>[] {
    return [...this.inFlight];
  }

  /** How many messages were dropped since the last call; counting starts again. */
  takeDroppedCount(): number {
    const dropped = this.droppedSinceBackfill;
    this.droppedSinceBackfill = 0;
    return dropped;
  }

  /** Queues a live message behind its channel's, or drops it when too many wait already. */
  receive(incoming: IncomingMessage): void {
    if (this.pending >= this.connection.maxPending) return this.drop(incoming);
    this.pending += 1;
    this.track(this.inChannelOrder(incoming.channelId, () => this.ingest(incoming)).finally(() => (this.pending -= 1)));
  }

  private drop(message: IncomingMessage): void {
    const { bot, dropped, logger, maxPending } = this.connection;
    dropped.add(message.channelId, message.id, message.isDm);
    droppedCounter.add(1, { 'relay.discord_bot_id': bot.id });
    if (this.droppedSinceBackfill++ === 0) {
      logger.warn({
        msg: 'Relay messages dropped: too many wait for Postgres (RELAY_INGEST_MAX_PENDING); the gap backfill fetches them once Postgres stores messages again',
        discordBotId: bot.id,
        maxPending,
        channelId: message.channelId,
        messageId: message.id,
      });
    }
  }

  private async ingest(incoming: IncomingMessage): Promise<void> {
    const { settings, bot, ingestor, term, signal, logger } = this.connection;
    await this.connection.startsRead();
    const selfId = this.connection.selfId();
    for (let attempt = 0; ; attempt++) {
      try {
        await ingestor.ingest(settings, bot, term, selfId, incoming, 'gateway');
        this.connection.stored();
        return;
      } catch (error) {
        if (error instanceof FencedWriteError) this.connection.fenced();
        if (signal.aborted || error instanceof FencedWriteError) throw error;
        const delay = exponentialBackoff(attempt, 500, INGEST_RETRY_MAX_MS);
        logger.warn({
          msg: 'Relay message not stored; retrying',
          discordBotId: bot.id,
          messageId: incoming.id,
          attempt: attempt + 1,
          retryInMs: delay,
          error: (error as Error).message,
        });
        await abortableSleep(delay, signal);
      }
    }
  }

  /** Runs after the channel's previous ingest has settled; channels proceed in parallel. */
  private inChannelOrder(channelId: string, ingest: () => Promise<void>): Promise<void> {
    const previous = this.channelTails.get(channelId) ?? Promise.resolve();
    const next = previous.then(ingest, ingest);
    const tail = next.catch(() => undefined);
    this.channelTails.set(channelId, tail);
    void tail.then(() => {
      if (this.channelTails.get(channelId) === tail) this.channelTails.delete(channelId);
    });
    return next;
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}
