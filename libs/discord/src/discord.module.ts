import { DynamicModule, Module } from '@nestjs/common';
import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { DiscordRestClient } from './discord-rest.client';
import { DiscordHealthIndicator } from './discord.health';
import { DISCORD_OPTIONS, DiscordOptions } from './discord.options';
import { InvalidRequestBudget } from './invalid-request.budget';

/**
 * Provides DiscordRestClient, DiscordHealthIndicator for readiness, and the app's one
 * InvalidRequestBudget (every Discord caller of the app, the relay's gateway clients included,
 * must count into it: Discord's ban is per IP) to the modules that import it.
 */
/** Well below Discord's 10,000: other callers on the same IP count too, and a ban lasts hours. */
export const DEFAULT_INVALID_REQUEST_BUDGET = 2000;

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
        DiscordRestClient,
        DiscordHealthIndicator,
      ],
      exports: [DiscordRestClient, DiscordHealthIndicator, InvalidRequestBudget],
    };
  }
}
