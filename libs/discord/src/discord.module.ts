import { Module } from '@nestjs/common';
import { DiscordRestClientFactory } from './discord-rest-client.factory';
import { DiscordRestClient } from './discord-rest.client';
import { DiscordBudgetMetrics } from './discord-budget.metrics';
import { DiscordHealthIndicator } from './discord.health';
import { ConfigurableDiscordModule } from './discord.module-definition';
import { DISCORD_OPTIONS, DiscordOptions } from './discord.options';
import { InvalidRequestBudget } from './invalid-request.budget';

/** Well below Discord's 10,000: other callers on the same IP count too, and a ban lasts hours. */
export const DEFAULT_INVALID_REQUEST_BUDGET = 2000;

/**
 * Provides DiscordRestClient (for the configured bot token), DiscordHealthIndicator for readiness,
 * the app's one InvalidRequestBudget, and DiscordRestClientFactory, through which every other
 * Discord client of the app is made (the relay's, one per bot token): all count into that budget,
 * since Discord's ban is per IP. The relay's gateway clients have their REST calls watched by it too.
 * REST only: it opens no gateway connection. `forRoot` / `forRootAsync`; `isGlobal: true` in an app.
 */
@Module({
  providers: [
    { provide: InvalidRequestBudget, inject: [DISCORD_OPTIONS], useFactory: (o: DiscordOptions) => new InvalidRequestBudget(o.invalidRequestBudget ?? DEFAULT_INVALID_REQUEST_BUDGET) },
    DiscordRestClientFactory,
    { provide: DiscordRestClient, inject: [DiscordRestClientFactory, DISCORD_OPTIONS], useFactory: (factory: DiscordRestClientFactory, o: DiscordOptions) => factory.create(o) },
    DiscordHealthIndicator,
    DiscordBudgetMetrics,
  ],
  exports: [DiscordRestClient, DiscordHealthIndicator, InvalidRequestBudget, DiscordRestClientFactory],
})
export class DiscordModule extends ConfigurableDiscordModule {}
