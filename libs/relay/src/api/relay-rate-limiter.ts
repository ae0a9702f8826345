import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@discord-backbone/prisma';
import { RELAY_API_OPTIONS, RelayApiOptions } from './relay-api.options';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts /v1 requests against RELAY_RATE_LIMIT_PER_MINUTE, one budget per key: a backend bot's
 * (`backend:<id>`, every route together) or a client address presenting no valid key
 * (`address:<ip>`).
 */
export abstract class RelayRateLimiter {
  abstract take(key: string): Promise<RateLimitDecision>;
}

/** A replica counts this long, at most, before adding its requests to the shared count. */
export const RATE_SYNC_MS = 200;
/** …and at most this share of the limit (1 % of it; below 100 a minute, every request is counted at once). */
const RATE_SYNC_SHARE = 0.01;

/** A key's shared count as last read, and the requests this replica has let through since. */
interface KeyCount {
  current: number;
  previous: number;
  /** Seconds into the minute when read, and when (this process's clock). */
  elapsed: number;
  readAt: number;
  unsynced: number;
  syncing?: Promise<unknown>;
}

/**
 * The limit shared by every API replica, counted in Postgres: a statement adds requests to the
 * key's current minute and reads the previous one; the estimate weighs the previous minute by the
 * part of it still inside the last 60 s (a sliding window, without a fixed window's double burst
 * at the boundary). Past windows are deleted by the relay's maintenance.
 *
 * One statement per request would put a hot row's write on every lease and ack, so a replica
 * counts locally and adds its requests in one statement every RATE_SYNC_MS or 1 % of the limit,
 * whichever comes first, and at every request once the last count read is within that share of
 * the limit: far from the limit a request costs no database write, near it every decision is made
 * on the shared count. The deployment may so pass the limit by at most the other replicas'
 * unsynced shares (1 % of the limit each); a replica that falls quiet adds its last share with
 * its next request.
 */
@Injectable()
export class PostgresRelayRateLimiter extends RelayRateLimiter {
  private readonly counts = new Map<string, KeyCount>();

  constructor(
    private readonly prisma: PrismaService,
    @Inject(RELAY_API_OPTIONS) private readonly options: RelayApiOptions,
  ) {
    super();
  }

  async take(key: string): Promise<RateLimitDecision> {
    const limit = this.options.rateLimitPerMinute;
    const share = Math.floor(limit * RATE_SYNC_SHARE);
    for (;;) {
      const count = this.counts.get(key);
      // Another request of this replica is adding the key's count: decide on what it reads.
      if (count?.syncing) {
        await count.syncing.catch(() => undefined);
        continue;
      }
      const now = Date.now();
      const fresh = count && now - count.readAt < RATE_SYNC_MS && count.elapsed + (now - count.readAt) / 1000 < 60;
      if (fresh && count.unsynced + 1 <= share && estimate(count, now) + count.unsynced + 1 + share <= limit) {
        count.unsynced += 1;
        return { allowed: true };
      }
      return this.sync(key, count);
    }
  }

  /** Adds this request and the unsynced ones to the shared count, and decides on the total. */
  private async sync(key: string, previous: KeyCount | undefined): Promise<RateLimitDecision> {
    const adding = (previous?.unsynced ?? 0) + 1;
    const entry: KeyCount = previous ?? { current: 0, previous: 0, elapsed: 0, readAt: 0, unsynced: 0 };
    entry.unsynced -= adding - 1;
    let done!: () => void;
    entry.syncing = new Promise<void>((resolve) => (done = resolve));
    this.counts.set(key, entry);
    try {
      const [row] = await this.prisma.sql<{ current: number; previous: number; elapsed: number }>(Prisma.sql`
        WITH counted AS (
          INSERT INTO relay_rate_windows (key, window_start, count) VALUES (${key}, date_trunc('minute', now()), ${adding})
          ON CONFLICT (key, window_start) DO UPDATE SET count = relay_rate_windows.count + ${adding}
          RETURNING count, window_start)
        SELECT counted.count AS current,
               COALESCE((SELECT count FROM relay_rate_windows p WHERE p.key = ${key} AND p.window_start = counted.window_start - interval '1 minute'), 0) AS previous,
               extract(epoch FROM now() - counted.window_start)::float8 AS elapsed
        FROM counted`);
      Object.assign(entry, {
        current: Number(row.current),
        previous: Number(row.previous),
        elapsed: Math.min(60, Math.max(0, Number(row.elapsed))),
        readAt: Date.now(),
      });
    } catch (error) {
      // Not counted: these requests are counted with the next ones.
      entry.unsynced += adding - 1;
      throw error;
    } finally {
      entry.syncing = undefined;
      done();
    }
    const total = estimate(entry, entry.readAt);
    const limit = this.options.rateLimitPerMinute;
    if (total <= limit) return { allowed: true };
    // The earlier of: this minute ending (the previous one no longer counts), or enough of the previous minute sliding out.
    const excess = total - limit;
    const slideSeconds = entry.previous > 0 ? (excess / entry.previous) * 60 : Infinity;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.min(60 - entry.elapsed, slideSeconds))) };
  }
}

/** The sliding window's count at `now` from a count read at `readAt`. */
function estimate(count: KeyCount, now: number): number {
  const elapsed = Math.min(60, count.elapsed + (now - count.readAt) / 1000);
  return count.previous * ((60 - elapsed) / 60) + count.current;
}
