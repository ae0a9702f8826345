export interface RateLimitRules {
  /** Requests per bot token in any 1-second window (Discord: 50). */
  globalPerSecond: number;
  /** Each route's bucket, per major parameter (channel, guild or webhook): `limit` requests per `resetAfterMs` from the first. */
  bucket: (method: string, route: string) => { limit: number; resetAfterMs: number };
}

/**
 * Discord's global limit (50/s per bot token) and the bucket Discord is known for (message sends: 5 per
 * 5 s per channel); other routes, whose limits Discord does not publish, 50 per second per major parameter.
 */
export const DISCORD_RATE_LIMIT_RULES: RateLimitRules = {
  globalPerSecond: 50,
  bucket: (method, route) =>
    method === 'POST' && route === '/channels/:id/messages'
      ? { limit: 5, resetAfterMs: 5000 }
      : { limit: 50, resetAfterMs: 1000 },
};

export interface RateLimitAnswer {
  /** Set when the request is refused: the 429 to send. */
  refused?: { status: 429; body: unknown; headers: Record<string, string> };
  /** The rate-limit headers of an answer that went through. */
  headers: Record<string, string>;
}

/**
 * Discord's global limit and route buckets as the stand-in enforces them, when asked to
 * (FakeDiscord.enforceRateLimits): a sliding 1-second window of accepted requests per bot token,
 * and fixed windows per bucket and major parameter starting at their first request, reported in
 * real X-RateLimit-* headers. Counts the 429s it answers (not the faults a test injects).
 */
export class StandinRateLimits {
  /** 429s answered for the global limit and for route buckets. */
  readonly refused = { global: 0, route: 0 };
  /** Requests that went through, per bot token: what throughput is measured on. */
  accepted = 0;
  private readonly recent = new Map<string, number[]>(); // bot token → accepted request times of the last second
  private readonly buckets = new Map<string, { remaining: number; resetAt: number }>();

  constructor(
    readonly rules: RateLimitRules,
    private readonly now: () => number = Date.now,
  ) {}

  /** `bucketId`: what X-RateLimit-Bucket says for the route (one per method and route shape). */
  take(token: string, method: string, path: string, bucketId: string): RateLimitAnswer {
    const now = this.now();
    const route = path.replace(/\d{17,19}/g, ':id');
    const major = /^\/(?:channels|guilds|webhooks)\/(\d{17,19})/.exec(path)?.[1] ?? 'global';
    const rule = this.rules.bucket(method, route);
    const key = `${token}:${bucketId}:${major}`;
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.resetAt <= now) {
      bucket = { remaining: rule.limit, resetAt: now + rule.resetAfterMs };
      this.buckets.set(key, bucket);
    }
    const window = (this.recent.get(token) ?? []).filter((at) => at > now - 1000);
    this.recent.set(token, window);
    if (window.length >= this.rules.globalPerSecond) {
      this.refused.global++;
      const retryAfter = (window[0] + 1000 - now) / 1000;
      return {
        refused: {
          status: 429,
          body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
          headers: {
            'retry-after': String(Math.ceil(retryAfter)),
            'x-ratelimit-global': 'true',
            'x-ratelimit-scope': 'global',
          },
        },
        headers: {},
      };
    }
    const headers = (remaining: number) => ({
      'x-ratelimit-limit': String(rule.limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String((bucket.resetAt / 1000).toFixed(3)),
      'x-ratelimit-reset-after': ((bucket.resetAt - now) / 1000).toFixed(3),
      'x-ratelimit-bucket': bucketId,
    });
    if (bucket.remaining <= 0) {
      this.refused.route++;
      const retryAfter = (bucket.resetAt - now) / 1000;
      return {
        refused: {
          status: 429,
          body: { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
          headers: { ...headers(0), 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-scope': 'user' },
        },
        headers: {},
      };
    }
    bucket.remaining--;
    window.push(now);
    this.accepted++;
    return { headers: headers(bucket.remaining) };
  }
}
