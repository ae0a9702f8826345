import { Logger } from '@nestjs/common';
import { DiscordRateLimitedError, DiscordRestClient } from '@discord-backbone/discord';
import { fenceHolds, PrismaService } from '@discord-backbone/prisma';
import type { LeaseFence } from '@discord-backbone/prisma';
import type { DiscordBotSettings, RelaySettings } from '../config/relay-settings';
import { fromRest } from './incoming-message';
import { FencedWriteError, MessageIngestor } from './message.ingestor';

const PAGE = 100; // Discord's maximum per request
const MAX_RATE_LIMIT_WAIT_MS = 60_000;

export interface BackfillResult {
  channels: number;
  fetched: number;
  delivered: number;
  /** Channels where the cap stopped the backfill before the end, with the last message fetched there. */
  capped: { channelId: string; lastFetchedId: string }[];
  failed: string[];
}

/**
 * Where a channel's backfill must start at the latest: just before the oldest message the live
 * ingest dropped there (its buffer was full while Postgres was down). Later messages of the
 * channel may have been stored meanwhile and moved its watermark past the dropped ones.
 */
export type DropFloors = ReadonlyMap<string, { after: bigint; isDm: boolean }>;

/**
 * Gap backfill: the gateway does not replay what was posted while a bot was disconnected, so on
 * every READY and RESUMED the messages after each channel's watermark are fetched through REST
 * (at most `maxMessages` per channel) and ingested like live ones; duplicates of live messages
 * are absorbed by the ingest's deduplication. An allowlisted channel seen for the first time gets
 * its watermark at its current last message: the relay starts from now, not from the channel's
 * whole history. A new holder of the bot's gateway lease so fetches what was posted during the
 * hand-over; once the lease has moved on, a stale holder's backfill stops at its first write.
 */
export class GatewayBackfill {
  private readonly logger = new Logger(GatewayBackfill.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly ingestor: MessageIngestor,
    private readonly rest: DiscordRestClient,
    private readonly settings: RelaySettings,
    private readonly bot: DiscordBotSettings,
    private readonly maxMessages: number,
  ) {}

  /** `guildOf`: a guild channel's guild (REST messages do not say), from the gateway's cache. */
  /** `startsRead`: called once every channel's start is known (live messages stored before would move the watermarks past the gap). */
  async run(
    selfId: string,
    term: LeaseFence,
    guildOf: (channelId: string) => string | null,
    reason: string,
    signal: AbortSignal,
    floors: DropFloors = new Map(),
    startsRead: () => void = () => undefined,
  ): Promise<BackfillResult> {
    const result: BackfillResult = { channels: 0, fetched: 0, delivered: 0, capped: [], failed: [] };
    if (this.maxMessages === 0) return result;
    await this.startWatermarks(term, signal, result, floors);
    const starts = new Map(
      (await this.prisma.relayChannelWatermark.findMany({ where: { discordBotId: this.bot.id } })).map((w) => [
        w.channelId,
        { after: w.lastMessageId, isDm: w.isDm },
      ]),
    );
    // A DM channel whose first messages were all dropped has no watermark yet: its floor is its start.
    for (const [channelId, floor] of floors) {
      const start = starts.get(channelId);
      if (!start || floor.after < start.after) starts.set(channelId, floor);
    }
    startsRead();
    for (const [channelId, start] of starts) {
      if (signal.aborted) break;
      if (!start.isDm && !this.bot.channelAllowlist.has(channelId)) continue;
      result.channels += 1;
      try {
        const source = { guildId: start.isDm ? null : guildOf(channelId), isDm: start.isDm };
        await this.channel(selfId, term, channelId, source, String(start.after), signal, result);
      } catch (error) {
        if (error instanceof FencedWriteError) throw error;
        if (signal.aborted) break;
        result.failed.push(channelId);
        this.logger.warn({
          msg: 'Relay backfill of a channel failed; it is tried again at the next (re)connection',
          discordBotId: this.bot.id,
          channelId,
          error: (error as Error).message,
        });
      }
    }
    this.logger.log({ msg: 'Relay backfill done', discordBotId: this.bot.id, reason, ...result });
    return result;
  }

  private async startWatermarks(
    term: LeaseFence,
    signal: AbortSignal,
    result: BackfillResult,
    floors: DropFloors,
  ): Promise<void> {
    const known = new Set(
      (
        await this.prisma.relayChannelWatermark.findMany({
          where: { discordBotId: this.bot.id },
          select: { channelId: true },
        })
      ).map((w) => w.channelId),
    );
    for (const channelId of this.bot.channelAllowlist) {
      // A channel with dropped messages starts before them (see run()), not at its last message.
      if (known.has(channelId) || floors.has(channelId) || signal.aborted) continue;
      try {
        const channel = await this.withRateLimitWaits(() => this.rest.getChannel(channelId), signal);
        const last = 'last_message_id' in channel && channel.last_message_id ? BigInt(channel.last_message_id) : 0n;
        const [row] = await this.prisma.$queryRaw<{ holding: number }[]>`
          WITH lease AS (${fenceHolds(term)}), watermark AS (
            INSERT INTO relay_channel_watermarks (discord_bot_id, channel_id, is_dm, last_message_id)
            SELECT ${this.bot.id}, ${channelId}, false, ${last} FROM lease
            ON CONFLICT (discord_bot_id, channel_id) DO NOTHING
          ) SELECT (SELECT count(*) FROM lease)::int AS holding`;
        if (row.holding === 0) throw new FencedWriteError(term);
      } catch (error) {
        if (error instanceof FencedWriteError) throw error;
        result.failed.push(channelId);
        this.logger.warn({
          msg: 'Relay cannot read an allowlisted channel',
          discordBotId: this.bot.id,
          channelId,
          error: (error as Error).message,
        });
      }
    }
  }

  private async channel(
    selfId: string,
    term: LeaseFence,
    channelId: string,
    source: { guildId: string | null; isDm: boolean },
    after: string,
    signal: AbortSignal,
    result: BackfillResult,
  ): Promise<void> {
    let fetched = 0;
    while (fetched < this.maxMessages && !signal.aborted) {
      const want = Math.min(PAGE, this.maxMessages - fetched);
      const page = await this.withRateLimitWaits(() => this.rest.getMessagesAfter(channelId, after, want), signal);
      for (const message of page) {
        const outcome = await this.ingestor.ingest(
          this.settings,
          this.bot,
          term,
          selfId,
          fromRest(message, source),
          'backfill',
        );
        if (outcome === 'delivered') result.delivered += 1;
      }
      fetched += page.length;
      result.fetched += page.length;
      if (page.length < want) return;
      after = page[page.length - 1].id;
    }
    if (fetched >= this.maxMessages) {
      result.capped.push({ channelId, lastFetchedId: after });
      this.logger.warn({
        msg: 'Relay backfill stopped at RELAY_BACKFILL_MAX_MESSAGES; the rest of the gap, after the last message fetched, is not relayed (unless messages were dropped there: then the next backfill goes on from it)',
        discordBotId: this.bot.id,
        channelId,
        lastFetchedId: after,
        max: this.maxMessages,
      });
    }
  }

  /** A backfill is background work: it waits out Discord's rate limits (bounded) instead of failing. */
  private async withRateLimitWaits<T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof DiscordRateLimitedError) || signal.aborted) throw error;
        await abortableSleep(Math.min(MAX_RATE_LIMIT_WAIT_MS, error.retryAfterSeconds * 1000), signal);
      }
    }
  }
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
