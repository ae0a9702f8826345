import { DiscordAPIError } from '@discordjs/rest';
import type { RequestData } from '@discordjs/rest';
import { RESTJSONErrorCodes } from 'discord-api-types/v10';
import {
  DiscordInteractionTokenError,
  DiscordOAuthTokenRejectedError,
  DiscordUnauthorizedError,
  routeTemplate,
  toDiscordError,
} from './discord.errors';

/**
 * Who a Discord call is made as:
 * - `bot`: the bot token, under the bot's rate limits and its token breaker;
 * - `user`: a user's OAuth2 access token (outside the bot's limits; its 401 says nothing of the bot token);
 * - `route-token`: the token in the route's path (interaction webhooks): no token is sent, and a
 *   refusal means that token is dead.
 */
export type DiscordAuth = { as: 'bot' } | { as: 'user'; accessToken: string } | { as: 'route-token' };

export const AS_BOT: DiscordAuth = { as: 'bot' };

/** What @discordjs/rest is told to send for it. */
export function authRequestData(auth: DiscordAuth): Pick<RequestData, 'auth' | 'headers'> {
  if (auth.as === 'user') return { auth: false, headers: { Authorization: `Bearer ${auth.accessToken}` } };
  return auth.as === 'route-token' ? { auth: false } : {};
}

/**
 * A failed call as this project's error, by who made it: a user's 401 is
 * DiscordOAuthTokenRejectedError; on a token route, 401, 404 and Invalid Webhook Token are
 * DiscordInteractionTokenError; anything else as toDiscordError says (the bot's 401 is a
 * DiscordUnauthorizedError for its breaker).
 */
export function toAuthDiscordError(auth: DiscordAuth, thrown: unknown): Error {
  if (auth.as === 'route-token') return toTokenRouteError(thrown);
  const error = toDiscordError(thrown);
  if (error instanceof DiscordUnauthorizedError && auth.as === 'user')
    return new DiscordOAuthTokenRejectedError(
      'Discord rejected the OAuth2 access token (401): expired, revoked or not a token',
    );
  return error;
}

function toTokenRouteError(thrown: unknown): Error {
  if (
    thrown instanceof DiscordAPIError &&
    (thrown.status === 401 || thrown.status === 404 || thrown.code === RESTJSONErrorCodes.InvalidWebhookToken)
  ) {
    const code = typeof thrown.code === 'number' ? ` (code ${thrown.code})` : '';
    return new DiscordInteractionTokenError(
      `Discord ${thrown.status} ${thrown.message}${code} on ${thrown.method.toUpperCase()} ${routeTemplate(thrown.url)}: the interaction token has expired or its message is gone`,
      thrown.status,
      typeof thrown.code === 'number' ? thrown.code : undefined,
    );
  }
  return toDiscordError(thrown);
}
