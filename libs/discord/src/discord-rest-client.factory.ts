import { Injectable } from '@nestjs/common';
import { DiscordRateLimiter } from './discord-rate-limiter';
import { DiscordRestClient } from './discord-rest.client';
import type { DiscordOptions } from './discord.options';
import { InvalidRequestBudget } from './invalid-request.budget';

/**
 * The one place DiscordRestClients are made — the app's bot token (DiscordModule) and each relay
 * bot's token alike — so that every client counts into the app's one InvalidRequestBudget
 * (Discord counts invalid requests per IP, not per token).
 */
@Injectable()
export class DiscordRestClientFactory {
  constructor(
    readonly budget: InvalidRequestBudget,
    readonly limiter: DiscordRateLimiter,
  ) {}

  create(options: DiscordOptions): DiscordRestClient {
    return new DiscordRestClient(options, this.budget, this.limiter);
  }
}
