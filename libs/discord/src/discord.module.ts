import { DynamicModule, Module } from '@nestjs/common';
import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { DiscordRestClientFactory } from './discord-rest-client.factory';
import { DiscordRestClient } from './discord-rest.client';
import { DiscordBudgetMetrics } from './discord-budget.metrics';
import { DiscordHealthIndicator } from './discord.health';
import { DISCORD_OPTIONS, DiscordOptions } from './discord.options';
import { InvalidRequestBudget } from './invalid-request.budget';

/** Well below Discord's 10,000: other callers on the same IP count too, and a ban lasts hours. */
export const DEFAULT_INVALID_REQUEST_BUDGET = 2000;

/**
 * Provides DiscordRestClient (for the configured bot token), DiscordHealthIndicator for readiness,
 * the app's one InvalidRequestBudget, and DiscordRestClientFactory, through which every other
 * Discord client of the app is made (the relay's, one per bot token): all count into that budget,
 * since Discord's ban is per IP. The relay's gateway clients have their REST calls watched by it too.
 */
@Module({})
export class DiscordModule {
  static forRootAsync(options: Pick<ModuleMetadata, 'imports'> & Omit<FactoryProvider<DiscordOptions>, 'provide'>): DynamicModule {
    return {
      module: DiscordModule,
      global: false,
      imports: options.imports ?? [],
      providers: [
        { provide: DISCORD_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: InvalidRequestBudget, inject: [DISCORD_OPTIONS], useFactory: (o: DiscordOptions) => new InvalidRequestBudget(o.invalidRequestBudget ?? DEFAULT_INVALID_REQUEST_BUDGET) },
        DiscordRestClientFactory,
        { provide: DiscordRestClient, inject: [DiscordRestClientFactory, DISCORD_OPTIONS], useFactory: (factory: DiscordRestClientFactory, o: DiscordOptions) => factory.create(o) },
        DiscordHealthIndicator,
        DiscordBudgetMetrics,
      ],
      exports: [DiscordRestClient, DiscordHealthIndicator, InvalidRequestBudget, DiscordRestClientFactory],
    };
  }
}
