import { Logger } from '@nestjs/common';
import { Client, Events, GatewayIntentBits, Options, Partials, Routes } from 'discord.js';
import type { RESTGetAPIGatewayBotResult } from 'discord.js';
import type { InvalidRequestBudget } from '@discord-backbone/discord';
import type { DeploymentCoordination, LeaseFence } from '@discord-backbone/prisma';
import type { DiscordBotSettings, RelaySettings } from '../config/relay-settings';
import { DroppedMessages } from './dropped-messages';
import { abortableSleep, GatewayBackfill } from './gateway-backfill';
import type { BackfillResult, DropFloors } from './gateway-backfill';
import { ClusterIdentifyThrottler } from './identify.throttler';
import { fromGateway } from './incoming-message';
import { LiveIngest } from './live-ingest';
import { FencedWriteError, MessageIngestor } from './message.ingestor';

const LOGIN_RETRY_MS = [1_000, 5_000, 30_000, 60_000];
/** How often the daily session start limit is read again while it is used up. */
const SESSION_LIMIT_RECHECK_MAX_MS = 60_000;

export type ConnectionState = 'connecting' | 'ready' | 'reconnecting' | 'stopped' | 'failed' | 'session-limit';

/** What a connection shares with the bot's other terms in this replica and with the app. */
export interface BotConnectionContext {
  settings: RelaySettings;
  bot: DiscordBotSettings;
  ingestor: MessageIngestor;
  backfill: GatewayBackfill;
  coordination: DeploymentCoordination;
  budget: InvalidRequestBudget;
  /** Drops outlive a term: the next term of this replica backfills them. */
  dropped: DroppedMessages;
  apiBaseUrl?: string;
  maxPending: number;
}

/**
 * One Discord bot's gateway connection (a discord.js Client) for one term of its gateway lease
 * (GatewayLeadership): every write carries the term, and the first one the fence refuses resolves
 * `fenced`, for the replica to step down. DMs and the allowlisted channels'
 * messages are ingested as they arrive; on READY and RESUMED a backfill fetches what the gateway
 * did not deliver. discord.js reconnects and resumes by itself; the first login is retried here.
 * Live messages go to Postgres through LiveIngest (in channel order, retried, at most `maxPending`
 * waiting, dropped beyond); once Postgres stores a message again after a drop, the gap backfill
 * fetches what was dropped through REST. Before logging in, the bot's daily session start limit
 * is read: with none left, it waits (state `session-limit`) rather than identify; Identifies are
 * spaced across the deployment (ClusterIdentifyThrottler).
 */
export class BotConnection {
  private readonly logger = new Logger(BotConnection.name);
  private readonly client: Client;
  private readonly abort = new AbortController();
  private readonly live: LiveIngest;
  private backfillQueued: Promise<void> = Promise.resolve();
  private backfillWanted = false;
  /**
   * Live messages wait while the backfill after a READY or RESUMED reads where each channel starts:
   * stored first, they would move the watermarks past the messages the gateway did not deliver.
   */
  private readonly waitingForStarts: (() => void)[] = [];
  /** Pending from the start: the first messages may come before discord.js reports the session ready. */
  private startsRead = new Promise<void>((resolve) => this.waitingForStarts.push(resolve));
  readonly bot: DiscordBotSettings;
  private readonly backfill: GatewayBackfill;
  private readonly dropped: DroppedMessages;
  /** Set from GET /gateway/bot before logging in; the Identify throttle's buckets. */
  private maxConcurrency = 1;
  private refused!: () => void;
  /** Resolves at the first write the lease's fence refused: another replica holds the bot's session now. */
  readonly fenced = new Promise<void>((resolve) => (this.refused = resolve));
  state: ConnectionState = 'connecting';
  /** While `session-limit`: when Discord resets the bot's session starts. */
  sessionLimitResetAt?: Date;
  /** When this term's last backfill ended (done or failed): until then, a channel seen first may have no watermark yet. */
  lastBackfillAt?: Date;

  constructor(
    context: BotConnectionContext,
    private readonly term: LeaseFence,
  ) {
    const { bot, apiBaseUrl, budget, coordination } = context;
    this.bot = bot;
    this.backfill = context.backfill;
    this.dropped = context.dropped;
    this.live = new LiveIngest({
      ...context,
      term,
      signal: this.abort.signal,
      logger: this.logger,
      startsRead: () => this.startsRead,
      selfId: () => this.client.user?.id ?? '',
      stored: () => this.recoverDropped(),
      fenced: () => this.refused(),
    });
    const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages];
    // Guild messages (and their content, a privileged intent) only for bots that ingest channels.
    if (bot.channelAllowlist.size > 0) intents.push(GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent);
    this.client = new Client({
      intents,
      // DMs arrive in channels discord.js has not cached: without this partial it drops them.
      partials: [Partials.Channel],
      // Messages are stored in Postgres, not kept in memory.
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
      ...(apiBaseUrl ? { rest: { api: apiBaseUrl } } : {}),
      ws: { buildIdentifyThrottler: () => new ClusterIdentifyThrottler(coordination, bot.id, this.maxConcurrency) },
    });
    // For GET /gateway/bot before login (which sets it too).
    this.client.rest.setToken(bot.token.reveal());
    // Its REST calls (the login's GET /gateway/bot) count into the app's invalid-request budget.
    budget.watch(this.client.rest);
    this.client.on(Events.MessageCreate, (message) => this.live.receive(fromGateway(message)));
    this.client.on(Events.ShardReady, () => this.connected('ready'));
    this.client.on(Events.ShardResume, () => this.connected('resumed'));
    this.client.on(Events.ShardReconnecting, () => this.setState('reconnecting'));
    this.client.on(Events.ShardDisconnect, (event) => {
      this.setState('failed');
      this.logger.error({
        msg: 'Relay gateway connection closed for good (Discord refused it); restart the worker once the cause is fixed',
        discordBotId: bot.id,
        code: event.code,
      });
    });
    this.client.on(Events.Error, (error) =>
      this.logger.warn({ msg: 'Relay gateway client error', discordBotId: bot.id, error: error.message }),
    );
  }

  /** Logs in, retrying with growing delays while Discord is unreachable; resolves once connected or stopped. */
  async start(): Promise<void> {
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      try {
        // Stopped while asking Discord: a login now would open a session nobody closes.
        if (!(await this.sessionStartsLeft()) || this.abort.signal.aborted) continue;
        await this.client.login(this.bot.token.reveal());
        return;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        const delay = LOGIN_RETRY_MS[Math.min(attempt, LOGIN_RETRY_MS.length - 1)];
        this.logger.warn({
          msg: 'Relay gateway login failed; retrying',
          discordBotId: this.bot.id,
          retryInMs: delay,
          error: (error as Error).message,
        });
        await abortableSleep(delay, this.abort.signal);
      }
    }
  }

  /**
   * Whether Discord lets the bot start a session now; when its daily limit is used up, waits
   * (logged, `session-limit`) until the reset or a minute, whichever is sooner, and says no.
   */
  private async sessionStartsLeft(): Promise<boolean> {
    const info = (await this.client.rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
    const limit = info.session_start_limit;
    this.maxConcurrency = limit.max_concurrency;
    if (limit.remaining > 0) {
      this.sessionLimitResetAt = undefined;
      this.setState('connecting');
      return true;
    }
    this.sessionLimitResetAt = new Date(Date.now() + limit.reset_after);
    this.setState('session-limit');
    this.logger.error({
      msg: 'Relay gateway not started: the Discord bot has used up its daily session starts; waiting for the reset',
      discordBotId: this.bot.id,
      total: limit.total,
      resetAt: this.sessionLimitResetAt.toISOString(),
    });
    await abortableSleep(Math.min(SESSION_LIMIT_RECHECK_MAX_MS, Math.max(1000, limit.reset_after)), this.abort.signal);
    return false;
  }

  /** Closes the connection, then waits (up to `drainMs`) for ingests and a backfill still writing. */
  async stop(drainMs: number): Promise<void> {
    this.abort.abort();
    this.setState('stopped');
    await this.client.destroy();
    for (const release of this.waitingForStarts.splice(0)) release();
    const drained = await Promise.race([
      Promise.allSettled([...this.live.work, this.backfillQueued]).then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), drainMs).unref()),
    ]);
    if (!drained)
      this.logger.error({
        msg: 'Relay messages still unsaved at shutdown: lost unless a later backfill fetches them',
        discordBotId: this.bot.id,
        pending: this.live.work.length,
      });
    if (this.dropped.size > 0) {
      this.logger.error({
        msg: 'Relay messages dropped while Postgres was down and not yet backfilled at shutdown: lost unless a later backfill reaches them',
        discordBotId: this.bot.id,
        channels: this.dropped.channels,
      });
    }
  }

  private connected(event: 'ready' | 'resumed'): void {
    this.setState('ready');
    this.logger.log({ msg: `Relay gateway ${event}`, discordBotId: this.bot.id, user: this.client.user?.id });
    // Set before any message of this session is received (events are dispatched in order).
    this.startsRead = new Promise<void>((resolve) => this.waitingForStarts.push(resolve));
    this.scheduleBackfill(event);
  }

  /** One backfill at a time per bot; a (re)connection during one runs another after it. */
  private scheduleBackfill(reason: string): void {
    if (this.backfillWanted) return;
    this.backfillWanted = true;
    this.backfillQueued = this.backfillQueued.then(async () => {
      this.backfillWanted = false;
      const waiting = this.waitingForStarts.splice(0);
      const startsRead = () => waiting.forEach((release) => release());
      try {
        const selfId = this.client.user?.id;
        if (!selfId || this.abort.signal.aborted) return;
        const guildOf = (channelId: string) => {
          const channel = this.client.channels.cache.get(channelId);
          return channel && 'guildId' in channel ? channel.guildId : null;
        };
        const floors = this.dropped.snapshot();
        const result = await this.backfill
          .run(selfId, this.term, guildOf, reason, this.abort.signal, floors, startsRead)
          .catch((error: unknown) => {
            if (error instanceof FencedWriteError) return this.refused();
            this.logger.warn({
              msg: 'Relay backfill failed; tried again at the next (re)connection',
              discordBotId: this.bot.id,
              error: (error as Error).message,
            });
          });
        if (result && !this.abort.signal.aborted) this.forgetRecoveredDrops(floors, result);
      } finally {
        startsRead();
        this.lastBackfillAt = new Date();
      }
    });
  }

  /** Channels backfilled from their floor no longer need one; those dropped into meanwhile, or capped, get another backfill. */
  private forgetRecoveredDrops(floors: DropFloors, result: BackfillResult): void {
    if (this.dropped.forget(floors, result))
      this.scheduleBackfill('more messages dropped, or the cap reached, during the gap backfill');
    if (floors.size > 0 && this.dropped.size === 0) {
      this.logger.log({
        msg: 'Relay gap backfill ran for every channel with messages dropped while Postgres was down',
        discordBotId: this.bot.id,
        dropped: this.live.takeDroppedCount(),
      });
    }
  }

  /** After a drop, the first message stored again (Postgres is back) starts the backfill that recovers the dropped ones. */
  private recoverDropped(): void {
    if (this.dropped.size === 0) return;
    this.scheduleBackfill('messages dropped while Postgres was down');
  }

  private setState(state: ConnectionState): void {
    if (this.state !== 'stopped') this.state = state;
  }
}
