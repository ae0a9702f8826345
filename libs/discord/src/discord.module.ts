import { DynamicModule, Module } from '@nestjs/common';
import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { DiscordClientsModule, DiscordRestClientFactory } from './discord-rest-client.factory';
import { DiscordRestClient } from './discord-rest.client';
import { DiscordHealthIndicator } from './discord.health';
import { DISCORD_OPTIONS, DiscordOptions } from './discord.options';

/** Provides DiscordRestClient (for the configured bot token), and DiscordHealthIndicator for readiness, to the modules that import it. */
@Module({})
export class DiscordModule {
  static forRootAsync(options: Pick<ModuleMetadata, 'imports'> & Omit<FactoryProvider<DiscordOptions>, 'provide'>): DynamicModule {
    return {
      module: DiscordModule,
      global: false,
      imports: [DiscordClientsModule, ...(options.imports ?? [])],
      providers: [
        { provide: DISCORD_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: DiscordRestClient, useFactory: (factory: DiscordRestClientFactory, o: DiscordOptions) => factory.create(o), inject: [DiscordRestClientFactory, DISCORD_OPTIONS] },
        DiscordHealthIndicator,
      ],
      exports: [DiscordRestClient, DiscordHealthIndicator],
    };
  }
}
