import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import { PermanentError, RetryLaterError } from '@discord-backbone/queue';

/**
 * How a failed Discord call is handled by the queue, decided here and nowhere else:
 * a rate limit is retried after Discord's retry-after; an outage, 5xx or timeout is retried
 * with the queue's backoff; a rejected bot token (401) is retried every few minutes; anything
 * else Discord refused (4xx) is dead-lettered at once.
 */

/** How long a message waits on its queue before another try while Discord rejects the bot token. */
export const UNAUTHORIZED_RETRY_SECONDS = 300;

/** 429, or a bucket already known to be exhausted: try again once it resets. */
export class DiscordRateLimitedError extends RetryLaterError {
  constructor(
    message: string,
    retryAfterSeconds: number,
    readonly scope: string,
    readonly global: boolean,
  ) {
    super(message, retryAfterSeconds);
  }
}

/**
 * 401: Discord rejects the bot token (revoked, rotated, mistyped). No message is at fault and every
 * one would fail alike, so this is not dead-lettered: messages wait on their queue, retried every
 * `retryAfterSeconds`, while DiscordHealthIndicator makes /health/ready report it. Also what the
 * local refusal becomes that @discordjs/rest throws for every call once a 401 made it drop the token.
 */
export class DiscordUnauthorizedError extends RetryLaterError {
  readonly status = 401;

  constructor(message: string, retryAfterSeconds: number = UNAUTHORIZED_RETRY_SECONDS) {
    super(message, retryAfterSeconds);
  }
}

/** Discord did not answer usefully (5xx, network error, timeout): transient. */
export class DiscordUnavailableError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The app has no bot token: nothing a retry can change, and no message's fault either (API: 503). */
export class DiscordNotConfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Discord refused the request; repeating it will not change the answer. */
export abstract class DiscordPermanentError extends PermanentError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | undefined,
  ) {
    super(message);
  }
}

/** 403: Missing Permissions (50013), Missing Access (50001) or another refusal. */
export class DiscordMissingPermissionsError extends DiscordPermanentError {}

/** 404: Unknown Channel, Guild, Member, User… */
export class DiscordUnknownResourceError extends DiscordPermanentError {}

/** Any other 4xx: invalid form body (50035), 400, 413… */
export class DiscordInvalidRequestError extends DiscordPermanentError {}

/** A user's OAuth2 access token was refused (401): it proves nothing. */
export class DiscordOAuthTokenRejectedError extends DiscordPermanentError {
  constructor(message: string) {
    super(message, 401, undefined);
  }
}

/**
 * A call authenticated by an interaction (webhook) token in its route, not by the bot token, was
 * refused with 401, 404 or Invalid Webhook Token (50027): the token has expired (interaction
 * tokens last 15 minutes) or the message is gone. Never retried with the same token: Discord
 * counts invalid requests towards a temporary ban, and the answer will not change.
 */
export class DiscordInteractionTokenError extends DiscordPermanentError {}

const MISSING_PERMISSION_CODES = new Set<number>([
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.MissingAccess,
]);
const UNKNOWN_RESOURCE_CODES = new Set<number>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.UnknownGuild,
  RESTJSONErrorCodes.UnknownMember,
  RESTJSONErrorCodes.UnknownUser,
  RESTJSONErrorCodes.UnknownPermissionOverwrite,
]);
// What @discordjs/rest throws for every request once it has dropped the token after a 401.
const TOKEN_DROPPED = 'Expected token to be set for this request, but none was present';

/** Converts whatever a @discordjs/rest call threw into one of the classes above. */
export function toDiscordError(error: unknown): Error {
  if (
    error instanceof DiscordRateLimitedError ||
    error instanceof DiscordUnauthorizedError ||
    error instanceof DiscordUnavailableError ||
    error instanceof DiscordPermanentError
  ) {
    return error;
  }
  if (error instanceof RateLimitError) {
    // retryAfter is the header's value for a 429, the time to the bucket's reset when the
    // client refused to send at all (it knew the bucket was empty); both in milliseconds.
    const ms = error.retryAfter > 0 ? error.retryAfter : error.timeToReset;
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    return new DiscordRateLimitedError(
      `Discord rate limit (scope ${error.scope}${error.global ? ', global' : ''}) on ${error.method.toUpperCase()} ${routeTemplate(error.url)}; retry after ${seconds} s`,
      seconds,
      error.scope,
      error.global,
    );
  }
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : undefined;
    const message = `Discord ${error.status} ${error.message}${code === undefined ? '' : ` (code ${code})`} on ${error.method.toUpperCase()} ${routeTemplate(error.url)}`;
    if (error.status === 401) return new DiscordUnauthorizedError(`${message}: the bot token is rejected`);
    if ((code !== undefined && MISSING_PERMISSION_CODES.has(code)) || error.status === 403) {
      return new DiscordMissingPermissionsError(message, error.status, code);
    }
    if ((code !== undefined && UNKNOWN_RESOURCE_CODES.has(code)) || error.status === 404) {
      return new DiscordUnknownResourceError(message, error.status, code);
    }
    return new DiscordInvalidRequestError(message, error.status, code);
  }
  if (error instanceof HTTPError) {
    // No `cause`: the HTTPError holds the full URL (a webhook's token is in its path) and the request body.
    return new DiscordUnavailableError(
      `Discord ${error.status} ${error.message} on ${error.method.toUpperCase()} ${routeTemplate(error.url)}`,
      error.status,
    );
  }
  if (error instanceof Error && error.message === TOKEN_DROPPED) {
    return new DiscordUnauthorizedError('Discord rejected the bot token earlier (401); the client has dropped it');
  }
  if (isNetworkError(error)) {
    return new DiscordUnavailableError(`Discord unreachable or too slow: ${error.name}: ${error.message}`, undefined, {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** True when the error (converted or not) carries Discord's JSON error code `code`. */
export function isDiscordErrorCode(error: unknown, code: number): boolean {
  return (error instanceof DiscordPermanentError || error instanceof DiscordAPIError) && error.code === code;
}

/**
 * `/api/v10/channels/123/threads` → `/channels/:id/threads`: low-cardinality, no ids, and no
 * secrets: webhook and interaction tokens travel in the path (`/webhooks/:id/<token>/…`,
 * `/interactions/:id/<token>/callback`) and become `:token`. Used for every span, error message,
 * DLQ attribute and log line that names a route.
 */
export function routeTemplate(urlOrRoute: string): string {
  const path = decodePath(urlOrRoute.startsWith('/') ? urlOrRoute.split('?')[0] : new URL(urlOrRoute).pathname);
  return path
    .replace(/^.*?\/v\d+(?=\/)/, '')
    .replace(/\/\d+(?=\/|$)/g, '/:id')
    .replace(/\/(webhooks|interactions)\/:id\/[^/]+/g, '/$1/:id/:token');
}

/** `%40original` → `@original`, as Discord documents the route; a malformed escape stays as it is. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Timeouts (the client aborts the request) and socket-level failures (ECONNREFUSED, UND_ERR_…).
 * Duck-typed: these come from Node's core (DOMException, system errors), which in another realm
 * such as a Jest sandbox are not `instanceof Error`.
 */
function isNetworkError(error: unknown): error is Error {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, cause } = error as { name?: unknown; code?: unknown; cause?: unknown };
  if (name === 'AbortError' || name === 'TimeoutError') return true;
  if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_)/.test(code)) return true;
  return cause !== undefined && isNetworkError(cause);
}
