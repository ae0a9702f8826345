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

/**
 * The limit shared by every API replica, counted in Postgres: one statement per request adds it
 * to its key's current minute and reads the previous one; the estimate weighs the previous minute
 * by the part of it still inside the last 60 s (a sliding window, without a fixed window's double
 * burst at the boundary). Past windows are deleted by the relay's maintenance.
 */
@Injectable()
export class PostgresRelayRateLimiter extends RelayRateLimiter {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(RELAY_API_OPTIONS) private readonly options: RelayApiOptions,
  ) {
    super();
  }

  async take(key: string): Promise<RateLimitDecision> {
    const [row] = await this.prisma.sql<{ current: number; previous: number; elapsed: number }>(Prisma.sql`
      WITH counted AS (
        INSERT INTO relay_rate_windows (key, window_start, count) VALUES (${key}, date_trunc('minute', now()), 1)
        ON CONFLICT (key, window_start) DO UPDATE SET count = relay_rate_windows.count + 1
        RETURNING count, window_start)
      SELECT counted.count AS current,
             COALESCE((SELECT count FROM relay_rate_windows p WHERE p.key = ${key} AND p.window_start = counted.window_start - interval '1 minute'), 0) AS previous,
             extract(epoch FROM now() - counted.window_start)::float8 AS elapsed
      FROM counted`);
    const elapsed = Math.min(60, Math.max(0, Number(row.elapsed)));
    const estimate = Number(row.previous) * ((60 - elapsed) / 60) + Number(row.current);
    if (estimate <= this.options.rateLimitPerMinute) return { allowed: true };
    // The earlier of: this minute ending (the previous one no longer counts), or enough of the previous minute sliding out.
    const previous = Number(row.previous);
    const excess = estimate - this.options.rateLimitPerMinute;
    const slideSeconds = previous > 0 ? (excess / previous) * 60 : Infinity;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.min(60 - elapsed, slideSeconds))) };
  }
}
