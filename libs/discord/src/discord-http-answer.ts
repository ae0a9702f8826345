import {
  DiscordNotConfiguredError,
  DiscordRateLimitedError,
  DiscordUnauthorizedError,
  DiscordUnavailableError,
} from './discord.errors';

/** How an HTTP API answers a request that met Discord's trouble: 503, with Retry-After where Discord says when. */
export interface DiscordHttpAnswer {
  status: 503;
  message: string;
  retryAfterSeconds?: number;
}

/** For an app's exception filter: the answer to a Discord error, or undefined for any other error. */
export function discordHttpAnswer(error: unknown): DiscordHttpAnswer | undefined {
  if (error instanceof DiscordNotConfiguredError)
    return { status: 503, message: 'Discord is not configured for this API (DISCORD_BOT_TOKEN)' };
  if (error instanceof DiscordRateLimitedError || error instanceof DiscordUnauthorizedError) {
    return {
      status: 503,
      message: 'Discord cannot be asked right now; try again later',
      retryAfterSeconds: Math.ceil(error.retryAfterSeconds),
    };
  }
  if (error instanceof DiscordUnavailableError)
    return { status: 503, message: 'Discord is unavailable; try again shortly', retryAfterSeconds: 5 };
  return undefined;
}
