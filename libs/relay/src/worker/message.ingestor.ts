import { Injectable, Logger } from '@nestjs/common';
import { context, metrics, propagation, SpanKind, trace } from '@opentelemetry/api';
import { DatabaseFailure, databaseFailure, fenceHolds, Prisma, PrismaService } from '@discord-backbone/prisma';
import type { LeaseFence } from '@discord-backbone/prisma';
import { withSpan } from '@discord-backbone/telemetry';
import { DELIVERY_CHANNEL } from '../config/relay-notifications';
import type { DiscordBotSettings, RelaySettings } from '../config/relay-settings';
import type { IncomingMessage } from './incoming-message';

export type IngestOutcome = 'delivered' | 'duplicate' | 'dropped' | 'ignored' | 'parked';

const tracer = trace.getTracer('relay');
/**
 * The bot's gateway lease has another holder now: this replica's session is stale and its write
 * was refused (nothing stored). Not retried: the new holder's backfill fetches the message.
 */
export class FencedWriteError extends Error {
  constructor(readonly term: LeaseFence) {
    super(`the gateway lease ${term.name} has moved past fence ${term.fence}: write refused`);
  }
}

const parkedCounter = metrics.getMeter('relay').createCounter('relay.ingest.parked', {
  description: 'Discord messages Postgres refused for their content, parked (not delivered)',
  unit: '{message}',
});

/**
 * Stores a Discord message and its delivery, routed to one backend bot, in one statement (one
 * transaction): the message is inserted once per (Discord bot, message id) — a second replica, or
 * a backfill fetching it again, finds it there and adds nothing — and the delivery only with it.
 * The channel's watermark advances in the same statement, and a NOTIFY wakes long-polling leases
 * when it commits. Unrouted messages are not stored (only the watermark moves). A message Postgres
 * refuses for its content (SQLSTATE class 22: a NUL byte) is parked in relay_parked_messages,
 * logged at error level and not delivered; the watermark moves past it, so neither its channel's
 * later messages nor a backfill stall on it. Every write joins the bot's gateway lease term
 * (fenceHolds) in the same statement: once another replica has taken the lease over, this one's
 * writes store nothing and throw FencedWriteError.
 */
@Injectable()
export class MessageIngestor {
  private readonly logger = new Logger(MessageIngestor.name);

  constructor(private readonly prisma: PrismaService) {}

  /** `selfId`: the bot's own user id (its own messages are never relayed); `term`: the gateway lease this replica holds for the bot. */
  ingest(
    settings: RelaySettings,
    bot: DiscordBotSettings,
    term: LeaseFence,
    selfId: string,
    message: IncomingMessage,
    source: 'gateway' | 'backfill',
  ): Promise<IngestOutcome> {
    if (!message.isDm && !bot.channelAllowlist.has(message.channelId)) return Promise.resolve('ignored');
    const attributes = {
      'messaging.system': 'discord',
      'messaging.operation.type': 'receive',
      'messaging.message.id': message.id,
      'relay.discord_bot_id': bot.id,
      'relay.source': source,
    };
    return withSpan(tracer, 'relay.ingest', { kind: SpanKind.CONSUMER, attributes }, async (span) => {
      const skip = message.authorId === selfId || (message.authorIsBot && bot.ignoreBots);
      const decision = skip ? undefined : settings.routing.route({ discordBotId: bot.id, ...message });
      const backendBotId = decision?.backendBotId ?? null;
      if (backendBotId !== null) span.setAttribute('relay.backend_bot_id', backendBotId);
      let outcome: IngestOutcome;
      if (backendBotId === null) {
        await this.advanceWatermark(bot, term, message);
        outcome = skip ? 'ignored' : 'dropped';
      } else {
        outcome = await this.store(bot, term, backendBotId, message, source).catch(async (error: unknown) => {
          const refused = databaseFailure(error);
          if (refused?.kind !== 'data') throw error;
          await this.park(bot, term, message, source, refused);
          return 'parked' as const;
        });
      }
      span.setAttribute('relay.outcome', outcome);
      if (decision && decision.backendBotId === null)
        this.logger.debug({
          msg: 'Relay message not delivered',
          discordBotId: bot.id,
          messageId: message.id,
          reason: decision.reason,
        });
      return outcome;
    });
  }

  private async store(
    bot: DiscordBotSettings,
    term: LeaseFence,
    backendBotId: string,
    message: IncomingMessage,
    source: string,
  ): Promise<'delivered' | 'duplicate'> {
    // The ingest span's context, for the backend to continue the trace from.
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    const [row] = await this.prisma.sql<{ holding: number; inserted: number }>(Prisma.sql`
      WITH lease AS (${fenceHolds(term)}), message AS (
        INSERT INTO relay_messages (discord_bot_id, discord_message_id, channel_id, guild_id, is_dm, author_id, author_name, content, sent_at, traceparent, tracestate, source)
        SELECT ${bot.id}, ${message.id}, ${message.channelId}, ${message.guildId}, ${message.isDm}, ${message.authorId}, ${message.authorName}, ${message.content},
               ${message.timestamp}, ${carrier.traceparent ?? null}, ${carrier.tracestate ?? null}, ${source} FROM lease
        ON CONFLICT (discord_bot_id, discord_message_id) DO NOTHING
        RETURNING id
      ), delivery AS (
        INSERT INTO relay_deliveries (message_id, backend_bot_id, conversation)
        SELECT id, ${backendBotId}, ${message.channelId} FROM message
        RETURNING backend_bot_id
      ), watermark AS (${watermarkUpsert(bot.id, message)})
      SELECT (SELECT count(*) FROM lease)::int AS holding,
             (SELECT count(*) FROM message)::int AS inserted,
             (SELECT count(*) FROM delivery CROSS JOIN LATERAL pg_notify(${DELIVERY_CHANNEL}, delivery.backend_bot_id) AS notified)::int AS notified`);
    if (row.holding === 0) throw new FencedWriteError(term);
    return row.inserted > 0 ? 'delivered' : 'duplicate';
  }

  private async park(
    bot: DiscordBotSettings,
    term: LeaseFence,
    message: IncomingMessage,
    source: string,
    refused: DatabaseFailure,
  ): Promise<void> {
    const [row] = await this.prisma.sql<{ holding: number }>(Prisma.sql`
      WITH lease AS (${fenceHolds(term)}), parked AS (
        INSERT INTO relay_parked_messages (discord_bot_id, discord_message_id, channel_id, is_dm, author_id, source, error_code, error)
        SELECT ${bot.id}, ${message.id}, ${message.channelId}, ${message.isDm}, ${message.authorId}, ${source}, ${refused.code ?? null}, ${refused.message} FROM lease
        ON CONFLICT (discord_bot_id, discord_message_id) DO NOTHING
      ), watermark AS (${watermarkUpsert(bot.id, message)})
      SELECT (SELECT count(*) FROM lease)::int AS holding`);
    if (row.holding === 0) throw new FencedWriteError(term);
    parkedCounter.add(1, { 'relay.discord_bot_id': bot.id });
    this.logger.error({
      msg: 'Relay message parked: Postgres refuses its content, so it is not delivered (relay_parked_messages); the channel goes on without it',
      discordBotId: bot.id,
      channelId: message.channelId,
      messageId: message.id,
      code: refused.code,
      error: refused.message,
    });
  }

  private async advanceWatermark(bot: DiscordBotSettings, term: LeaseFence, message: IncomingMessage): Promise<void> {
    const [row] = await this.prisma.sql<{ holding: number }>(Prisma.sql`
      WITH lease AS (${fenceHolds(term)}), watermark AS (${watermarkUpsert(bot.id, message)})
      SELECT (SELECT count(*) FROM lease)::int AS holding`);
    if (row.holding === 0) throw new FencedWriteError(term);
  }
}

/**
 * The channel's watermark moves to the message unless it is already past it (backfill and live
 * messages race); only while the statement's `lease` (the writer's term) holds.
 */
function watermarkUpsert(discordBotId: string, message: IncomingMessage): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO relay_channel_watermarks (discord_bot_id, channel_id, is_dm, last_message_id)
    SELECT ${discordBotId}, ${message.channelId}, ${message.isDm}, ${BigInt(message.id)} FROM lease
    ON CONFLICT (discord_bot_id, channel_id) DO UPDATE
      SET last_message_id = GREATEST(relay_channel_watermarks.last_message_id, EXCLUDED.last_message_id), updated_at = now()`;
}
