import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { RELAY_API_OPTIONS, RelayApiOptions } from './relay-api.options';

const WINDOW_MS = 60_000;

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts /v1 requests against RELAY_RATE_LIMIT_PER_MINUTE, one budget per key: a backend bot's
 * (`backend:<id>`, every route together) or a client address presenting no valid key
 * (`address:<ip>`). The seam where a limit shared by several API replicas plugs in: provide
 * another implementation of this class.
 */
export abstract class RelayRateLimiter {
  abstract take(key: string): Promise<RateLimitDecision>;
}

/** This process's counts (a sliding minute per key, @nestjs/throttler's store): with N API replicas a key may make up to N times the limit. */
@Injectable()
export class InProcessRelayRateLimiter extends RelayRateLimiter implements OnApplicationShutdown {
  private readonly storage = new ThrottlerStorageService();

  constructor(@Inject(RELAY_API_OPTIONS) private readonly options: RelayApiOptions) {
    super();
  }

  async take(key: string): Promise<RateLimitDecision> {
    const record = await this.storage.increment(key, WINDOW_MS, this.options.rateLimitPerMinute, WINDOW_MS, 'relay');
    return record.isBlocked ? { allowed: false, retryAfterSeconds: Math.max(1, record.timeToBlockExpire) } : { allowed: true };
  }

  onApplicationShutdown(): void {
    this.storage.onApplicationShutdown();
  }
}
