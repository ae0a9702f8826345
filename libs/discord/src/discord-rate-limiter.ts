import { createHash } from 'node:crypto';

/** Discord's global limit: requests per second per bot token. */
export const DISCORD_GLOBAL_REQUESTS_PER_SECOND = 50;

/**
 * Where a request stands in Discord's limits, with no secret in it: the token as a hash, and the
 * route the way @discordjs/rest buckets it (its private REST.generateRouteData, mirrored below).
 */
export interface RateLimitedRoute {
  /** sha256 of the bot token (hex, 32 characters): what rows are keyed by, never the token. */
  tokenHash: string;
  /** `METHOD:/channels/:id/messages`: requests Discord may put in one bucket. */
  route: string;
  /** The route's major parameter (channel, guild or webhook id; `global` when none): buckets are per major parameter. */
  majorParameter: string;
}

/** What Discord said about a request's limits (its X-RateLimit-* and Retry-After headers). */
export interface RateLimitHeaders {
  status: number;
  /** X-RateLimit-Bucket: Discord's id for the bucket, shared by every route in it. */
  bucket: string | null;
  limit: number | null;
  remaining: number | null;
  resetAfterMs: number | null;
  /** Retry-After of a 429. */
  retryAfterMs: number | null;
  /** A 429 of the global limit (X-RateLimit-Global, or scope `global`). */
  global: boolean;
}

/**
 * Discord's global limit and route buckets as one deployment sees them. `acquire` runs before
 * every request (after @discordjs/rest's own queue, just before the network call) and resolves
 * once the request may go, having waited at most a short while; when the wait would be longer it
 * throws DiscordRateLimitedError, so the message goes back to its queue for that long instead.
 * `record` runs after every answer with what Discord's headers said.
 */
export abstract class DiscordRateLimiter {
  /** Resolves with the milliseconds waited; throws DiscordRateLimitedError instead of waiting long. */
  abstract acquire(route: RateLimitedRoute): Promise<number>;
  abstract record(route: RateLimitedRoute, headers: RateLimitHeaders): Promise<void>;
  /** Whether @discordjs/rest's in-process global limit must stand aside (this limiter applies it). */
  abstract readonly enforcesGlobalLimit: boolean;
}

/** No sharing: each process keeps only @discordjs/rest's own limits in memory (one-off tools, tests). */
export class InProcessDiscordRateLimiter extends DiscordRateLimiter {
  readonly enforcesGlobalLimit = false;

  acquire(): Promise<number> {
    return Promise.resolve(0);
  }

  record(): Promise<void> {
    return Promise.resolve();
  }
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 32);
}

const MAJOR = /(?:^\/webhooks\/(\d{17,19}\/[^/?]+))|(?:^\/(?:channels|guilds|webhooks)\/(\d{17,19}))/;

/**
 * The bucket route and major parameter of a request, as @discordjs/rest computes them; a webhook's
 * major parameter carries its token, so it is hashed.
 */
export function rateLimitedRoute(tokenHashValue: string, method: string, path: string): RateLimitedRoute {
  const match = MAJOR.exec(path);
  const major = match?.[2] ?? (match?.[1] ? `webhook:${tokenHash(match[1])}` : 'global');
  const bucketRoute = path
    .replaceAll(/\d{17,19}/g, ':id')
    .replace(/\/reactions\/(.*)/, '/reactions/:reaction')
    .replace(/\/webhooks\/:id\/[^/?]+/, '/webhooks/:id/:token');
  return { tokenHash: tokenHashValue, route: `${method.toUpperCase()}:${bucketRoute}`, majorParameter: major };
}

/** The rate-limit headers of an answer. */
export function rateLimitHeaders(status: number, headers: { get(name: string): string | null }): RateLimitHeaders {
  const number = (name: string) => {
    const value = headers.get(name);
    return value === null || value === '' || !Number.isFinite(Number(value)) ? null : Number(value);
  };
  const seconds = (name: string) => {
    const value = number(name);
    return value === null ? null : Math.round(value * 1000);
  };
  return {
    status,
    bucket: headers.get('x-ratelimit-bucket'),
    limit: number('x-ratelimit-limit'),
    remaining: number('x-ratelimit-remaining'),
    resetAfterMs: seconds('x-ratelimit-reset-after'),
    retryAfterMs: status === 429 ? seconds('retry-after') : null,
    global:
      status === 429 && (headers.get('x-ratelimit-global') !== null || headers.get('x-ratelimit-scope') === 'global'),
  };
}
