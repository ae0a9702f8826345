import { Logger } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { Prisma } from '@discord-backbone/prisma';
import type { PrismaService } from '@discord-backbone/prisma';
import { DiscordRateLimiter } from './discord-rate-limiter';
import type { RateLimitedRoute, RateLimitHeaders } from './discord-rate-limiter';
import { DiscordRateLimitedError } from './discord.errors';

const meter = metrics.getMeter('discord');
const waitHistogram = meter.createHistogram('discord.rate_limiter.wait', {
  description:
    'Time a Discord request spent in the shared limiter before it was sent or handed back (statements included)',
  unit: 's',
});
const statementHistogram = meter.createHistogram('discord.rate_limiter.statement', {
  description: 'One shared-limiter statement’s round trip to Postgres',
  unit: 's',
});
const deferredCounter = meter.createCounter('discord.rate_limiter.deferred', {
  description:
    'Discord requests handed back to their queue by the shared limiter (their wait would have been too long), by scope',
  unit: '{request}',
});

export interface SharedRateLimitOptions {
  /** Requests per second per bot token across the deployment: below Discord's 50, for clock and network jitter. */
  globalRequestsPerSecond: number;
  /** The longest a request waits for its turn; beyond it, DiscordRateLimitedError (the queue waits instead). */
  maxWaitMs: number;
}

/** Rows of buckets and routes unused for this long are deleted (their windows are long over). */
const STALE_AFTER = '1 hour';
const PRUNE_EVERY_MS = 10 * 60_000;
/**
 * A bucket not yet seen (a route's first request, or its first for a channel) lets one request
 * through alone to learn the bucket from its answer; the others wait this long at most for it.
 */
const PROBE_MS = 500;
/**
 * How often a request held back by another's probe looks again: the probe's answer usually comes
 * within a round trip. Every 20 ms, the polls' own load on Postgres made sends late enough to earn
 * a global 429 now and then (npm run bench:discord-limits); 50 ms did not.
 */
const PROBE_POLL_MS = 50;
/** How late after its slot a request may still go: the margin below Discord's 50/s absorbs this much. */
const LATE_MS = 50;

/**
 * Discord's limits shared through Postgres by every process that uses a bot token:
 * - the global limit as a schedule (a generic cell rate algorithm): `discord_rate_limits.next_at`
 *   is the earliest time the token's next request may go; each request takes the slot at
 *   max(next_at, now) and moves it on by 1/rate, so requests leave evenly spaced whichever
 *   process sends them, and one whose slot is further away than maxWaitMs is not scheduled at all;
 * - route buckets as Discord reports them: `discord_rate_routes` maps a route to Discord's bucket
 *   id (X-RateLimit-Bucket), `discord_rate_buckets` holds each bucket's remaining requests and
 *   reset per major parameter; every request takes one, every answer corrects the count.
 * One statement before each request and one after each answer; rows are keyed by the token's
 * hash. Postgres's clock is the one clock, read when the row lock is held (clock_timestamp: now()
 * is when the statement began, which under contention is long enough ago to schedule a burst). When Postgres cannot be reached the request goes with
 * @discordjs/rest's in-process limits only (logged): Discord calls do not stop with the database.
 */
export class PostgresDiscordRateLimiter extends DiscordRateLimiter {
  readonly enforcesGlobalLimit = true;
  private readonly logger = new Logger(PostgresDiscordRateLimiter.name);
  private readonly intervalMs: number;
  /** Slots given up because this process could not send on time (its event loop was busy): a sign of an overloaded process. */
  lateSlots = 0;
  private lastPrune = 0;
  private lastFailureLog = 0;

  constructor(
    private readonly prisma: Pick<PrismaService, 'sql'>,
    private readonly options: SharedRateLimitOptions,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.intervalMs = 1000 / options.globalRequestsPerSecond;
  }

  async acquire(route: RateLimitedRoute): Promise<number> {
    const started = this.now();
    try {
      const waited = await this.schedule(route, started);
      waitHistogram.record(waited / 1000, { outcome: 'sent' });
      return waited;
    } catch (error) {
      waitHistogram.record((this.now() - started) / 1000, { outcome: 'deferred' });
      if (error instanceof DiscordRateLimitedError) deferredCounter.add(1, { 'discord.rate_limit.scope': error.scope });
      throw error;
    }
  }

  private async schedule(route: RateLimitedRoute, started: number): Promise<number> {
    let statement = this.acquireStatement(route);
    for (;;) {
      let decision: {
        wait_ms: number | null;
        global_wait_ms: number | null;
        bucket_wait_ms: number | null;
        bucket_probing: boolean;
        bucket_taken: boolean;
      };
      const asked = this.now();
      try {
        [decision] = await this.prisma.sql(statement);
      } catch (error) {
        this.storeFailed('acquire', error);
        return this.now() - started;
      }
      const answered = this.now();
      statementHistogram.record((answered - asked) / 1000, { statement: 'acquire' });
      this.pruneNow();
      // The bucket is empty (or another process took its last request, or is probing it): wait for its reset if that is soon.
      const bucketWait =
        decision.bucket_wait_ms ?? (decision.wait_ms !== null && !decision.bucket_taken ? this.intervalMs : null);
      if (bucketWait !== null) {
        // Another request is probing an unknown bucket: look again soon rather than waiting out the
        // probe's whole lease, or a burst on a new route (slash commands in a new guild) is refused.
        const step = decision.bucket_probing ? Math.min(bucketWait, PROBE_POLL_MS) : bucketWait;
        if (answered - started + step > this.options.maxWaitMs) throw this.limited(route, bucketWait, 'user', false);
        await this.sleep(Math.max(1, step));
        continue;
      }
      if (decision.wait_ms === null)
        throw this.limited(route, decision.global_wait_ms ?? this.options.maxWaitMs, 'global', true);
      const wait = Math.max(0, Number(decision.wait_ms));
      if (wait >= 1) await this.sleep(wait);
      // Postgres gave the slot about halfway through the round trip. While the schedule is full
      // (the slot was ahead), a process too busy to send on time would now send together with the
      // requests of the next slots: it takes another global slot instead (its bucket's request is
      // taken already). A slot that was free at once leaves room behind it.
      if (wait < 1 || this.now() - ((asked + answered) / 2 + wait) <= LATE_MS) return this.now() - started;
      this.lateSlots++;
      if (this.now() - started + this.intervalMs > this.options.maxWaitMs)
        throw this.limited(route, this.intervalMs, 'global', true);
      statement = this.globalSlotStatement(route);
    }
  }

  async record(route: RateLimitedRoute, headers: RateLimitHeaders): Promise<void> {
    const started = this.now();
    try {
      if (headers.global && headers.retryAfterMs !== null) {
        await this.prisma.sql(Prisma.sql`
          UPDATE discord_rate_limits SET next_at = GREATEST(next_at, now() + make_interval(secs => ${headers.retryAfterMs / 1000}))
          WHERE token_hash = ${route.tokenHash}`);
      }
      if (
        headers.bucket === null ||
        headers.limit === null ||
        headers.remaining === null ||
        headers.resetAfterMs === null
      ) {
        // An answer without a bucket: nothing to learn, so a probe this request made must not hold the route back.
        await this.prisma.sql(Prisma.sql`
          DELETE FROM discord_rate_buckets WHERE token_hash = ${route.tokenHash} AND "limit" = 0
            AND bucket IN (${`${route.route}:${route.majorParameter}`}, (SELECT bucket || ':' || ${route.majorParameter} FROM discord_rate_routes WHERE token_hash = ${route.tokenHash} AND route = ${route.route}))`);
        return;
      }
      const resetAfterMs = Math.max(
        headers.resetAfterMs,
        headers.status === 429 && !headers.global ? (headers.retryAfterMs ?? 0) : 0,
      );
      const remaining = headers.status === 429 && !headers.global ? 0 : headers.remaining;
      // The counted remaining stays when the answer is of the window already counted (it includes requests still in flight).
      await this.prisma.sql(Prisma.sql`
        WITH mapped AS (
          INSERT INTO discord_rate_routes (token_hash, route, bucket, used_at) VALUES (${route.tokenHash}, ${route.route}, ${headers.bucket}, now())
          ON CONFLICT (token_hash, route) DO UPDATE SET bucket = EXCLUDED.bucket, used_at = EXCLUDED.used_at
          WHERE discord_rate_routes.bucket <> EXCLUDED.bucket OR discord_rate_routes.used_at < now() - interval '1 minute')
        INSERT INTO discord_rate_buckets AS b (token_hash, bucket, "limit", remaining, reset_at, window_ms)
        VALUES (${route.tokenHash}, ${`${headers.bucket}:${route.majorParameter}`}, ${headers.limit}, ${remaining},
                now() + make_interval(secs => ${resetAfterMs / 1000}), ${Math.ceil(resetAfterMs)})
        ON CONFLICT (token_hash, bucket) DO UPDATE SET
          "limit" = EXCLUDED."limit",
          window_ms = GREATEST(b.window_ms, EXCLUDED.window_ms),
          remaining = CASE WHEN b."limit" = 0 OR EXCLUDED.reset_at > b.reset_at + interval '500 milliseconds' THEN EXCLUDED.remaining ELSE LEAST(b.remaining, EXCLUDED.remaining) END,
          reset_at = GREATEST(b.reset_at, EXCLUDED.reset_at)`);
      statementHistogram.record((this.now() - started) / 1000, { statement: 'record' });
    } catch (error) {
      this.storeFailed('record', error);
    }
  }

  /**
   * One statement: the bucket (by Discord's id once known, else by route) must not be known empty;
   * then the global slot is taken unless it is more than maxWaitMs away; then one of the bucket's
   * requests (a bucket whose window is over starts a new one of the same length), or, for a bucket
   * never seen, a probe row (limit 0) that holds the others back until the answer tells the bucket.
   */
  private acquireStatement(route: RateLimitedRoute): Prisma.Sql {
    const { tokenHash, majorParameter } = route;
    const interval = this.intervalMs / 1000;
    const maxWait = this.options.maxWaitMs / 1000;
    return Prisma.sql`
      WITH target AS (
        SELECT COALESCE((SELECT bucket FROM discord_rate_routes WHERE token_hash = ${tokenHash} AND route = ${route.route}), ${route.route}) || ':' || ${majorParameter} AS bucket
      ),
      known AS (
        SELECT b."limit", b.remaining, b.reset_at FROM discord_rate_buckets b JOIN target ON b.bucket = target.bucket WHERE b.token_hash = ${tokenHash}
      ),
      blocked AS (SELECT reset_at, "limit" = 0 AS probing FROM known WHERE remaining <= 0 AND reset_at > clock_timestamp()),
      slot AS (
        INSERT INTO discord_rate_limits AS g (token_hash, next_at)
        SELECT ${tokenHash}, clock_timestamp() + make_interval(secs => ${interval}) WHERE NOT EXISTS (SELECT 1 FROM blocked)
        ON CONFLICT (token_hash) DO UPDATE SET next_at = GREATEST(g.next_at, clock_timestamp()) + make_interval(secs => ${interval})
        WHERE g.next_at <= clock_timestamp() + make_interval(secs => ${maxWait})
        RETURNING next_at - make_interval(secs => ${interval}) AS send_at
      ),
      taken AS (
        UPDATE discord_rate_buckets b SET
          remaining = CASE WHEN b.reset_at > clock_timestamp() THEN b.remaining - 1 ELSE b."limit" - 1 END,
          reset_at = CASE WHEN b.reset_at > clock_timestamp() THEN b.reset_at ELSE clock_timestamp() + make_interval(secs => b.window_ms / 1000.0) END
        FROM target
        WHERE b.token_hash = ${tokenHash} AND b.bucket = target.bucket AND EXISTS (SELECT 1 FROM slot) AND (b.remaining > 0 OR b.reset_at <= clock_timestamp())
        RETURNING 1
      ),
      probe AS (
        INSERT INTO discord_rate_buckets (token_hash, bucket, "limit", remaining, reset_at, window_ms)
        SELECT ${tokenHash}, target.bucket, 0, 0, clock_timestamp() + make_interval(secs => ${PROBE_MS / 1000}), ${PROBE_MS} FROM target
        WHERE NOT EXISTS (SELECT 1 FROM known) AND EXISTS (SELECT 1 FROM slot)
        ON CONFLICT (token_hash, bucket) DO NOTHING
        RETURNING 1
      )
      SELECT
        (SELECT extract(epoch FROM GREATEST(send_at, clock_timestamp()) - clock_timestamp()) * 1000 FROM slot)::float8 AS wait_ms,
        (SELECT extract(epoch FROM next_at - clock_timestamp()) * 1000 - ${this.options.maxWaitMs} FROM discord_rate_limits WHERE token_hash = ${tokenHash})::float8 AS global_wait_ms,
        (SELECT extract(epoch FROM reset_at - clock_timestamp()) * 1000 FROM blocked)::float8 AS bucket_wait_ms,
        COALESCE((SELECT probing FROM blocked), false) AS bucket_probing,
        EXISTS (SELECT 1 FROM taken) OR EXISTS (SELECT 1 FROM probe) AS bucket_taken`;
  }

  /** The global slot alone, for a request whose bucket is taken already. */
  private globalSlotStatement(route: RateLimitedRoute): Prisma.Sql {
    const interval = this.intervalMs / 1000;
    return Prisma.sql`
      WITH slot AS (
        UPDATE discord_rate_limits g SET next_at = GREATEST(g.next_at, clock_timestamp()) + make_interval(secs => ${interval})
        WHERE g.token_hash = ${route.tokenHash} AND g.next_at <= clock_timestamp() + make_interval(secs => ${this.options.maxWaitMs / 1000})
        RETURNING next_at - make_interval(secs => ${interval}) AS send_at
      )
      SELECT
        (SELECT extract(epoch FROM GREATEST(send_at, clock_timestamp()) - clock_timestamp()) * 1000 FROM slot)::float8 AS wait_ms,
        (SELECT extract(epoch FROM next_at - clock_timestamp()) * 1000 - ${this.options.maxWaitMs} FROM discord_rate_limits WHERE token_hash = ${route.tokenHash})::float8 AS global_wait_ms,
        NULL::float8 AS bucket_wait_ms,
        false AS bucket_probing,
        true AS bucket_taken`;
  }

  private limited(route: RateLimitedRoute, waitMs: number, scope: string, global: boolean): DiscordRateLimitedError {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const what = global
      ? `the bot's global limit (${this.options.globalRequestsPerSecond}/s across the deployment)`
      : `bucket ${route.route.replace(':', ' ')}`;
    return new DiscordRateLimitedError(
      `Discord rate limit held back before sending: ${what} is taken; retry after ${seconds} s`,
      seconds,
      scope,
      global,
    );
  }

  /** Deletes buckets and routes long unused, at most every PRUNE_EVERY_MS per process (not awaited). */
  private pruneNow(): void {
    if (this.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = this.now();
    const stale = Prisma.sql`now() - ${STALE_AFTER}::interval`;
    Promise.all([
      this.prisma.sql(Prisma.sql`DELETE FROM discord_rate_buckets WHERE reset_at < ${stale}`),
      this.prisma.sql(Prisma.sql`DELETE FROM discord_rate_routes WHERE used_at < ${stale}`),
    ]).catch((error: unknown) => this.storeFailed('prune', error));
  }

  private storeFailed(what: string, error: unknown): void {
    if (this.now() - this.lastFailureLog < 60_000) return;
    this.lastFailureLog = this.now();
    this.logger.warn({
      msg: 'Shared Discord rate limits unavailable (Postgres): this process goes by its own limits meanwhile',
      step: what,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
