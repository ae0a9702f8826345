import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { DiscordRestClient } from './discord-rest.client';

/**
 * Readiness of the Discord side: down while Discord rejects the bot token (see
 * DiscordRestClient.tokenRejection), with a message saying so. It sends no request of its own (a
 * probe per health check would spend rate limit and, with a bad token, count towards Discord's
 * invalid-request limit); it reports what the app's own calls found. For HealthModule's
 * `readinessIndicators`.
 */
@Injectable()
export class DiscordHealthIndicator {
  constructor(private readonly discord: DiscordRestClient) {}

  isHealthy(key = 'discord'): HealthIndicatorResult {
    const rejection = this.discord.tokenRejection();
    if (!rejection) return { [key]: { status: 'up' } };
    return {
      [key]: {
        status: 'down',
        // What an operator needs to act, and nothing an attacker could use: Discord's own error text stays in the log.
        message: `Discord has rejected the bot token since ${rejection.since.toISOString()} (401): Discord work waits on its queues and the token is tried again periodically; if it was revoked or rotated, set a valid DISCORD_BOT_TOKEN and restart.`,
      },
    };
  }
}
