import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { DiscordRestClient } from './discord-rest.client';
import { InvalidRequestBudget } from './invalid-request.budget';

/**
 * Readiness of the Discord side: down while Discord rejects the bot token (see
 * DiscordRestClient.tokenRejection) or while the invalid-request budget is spent (calls are held
 * back), with a message saying so. It sends no request of its own (a probe per health check would
 * spend rate limit and, with a bad token, count towards Discord's invalid-request limit); it
 * reports what the app's own calls found. For HealthModule's `readinessIndicators`.
 */
@Injectable()
export class DiscordHealthIndicator {
  constructor(
    private readonly discord: DiscordRestClient,
    private readonly budget: InvalidRequestBudget,
  ) {}

  isHealthy(key = 'discord'): HealthIndicatorResult {
    // What an operator needs to act, and nothing an attacker could use: Discord's own error texts stay in the log.
    const rejection = this.discord.tokenRejection();
    if (rejection) {
      return {
        [key]: {
          status: 'down',
          message: `Discord has rejected the bot token since ${rejection.since.toISOString()} (401): Discord work waits on its queues and the token is tried again periodically; if it was revoked or rotated, set a valid DISCORD_BOT_TOKEN and restart.`,
        },
      };
    }
    if (this.budget.exhausted()) {
      return {
        [key]: {
          status: 'down',
          message: `Discord calls are held back: ${this.budget.used()} invalid requests (401/403/429) in the last 10 minutes reached the budget of ${this.budget.threshold}; Discord work waits on its queues until the window has room.`,
        },
      };
    }
    return { [key]: { status: 'up' } };
  }
}
