import { DynamicModule, Module } from '@nestjs/common';
import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { DiscordRestClient } from './discord-rest.client';
import { DISCORD_OPTIONS, DiscordOptions } from './discord.options';

/** Provides DiscordRestClient to the modules that import it. */
@Module({})
export class DiscordModule {
  static forRootAsync(options: Pick<ModuleMetadata, 'imports'> & Omit<FactoryProvider<DiscordOptions>, 'provide'>): DynamicModule {
    return {
      module: DiscordModule,
      global: false,
      imports: options.imports ?? [],
      providers: [{ provide: DISCORD_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }, DiscordRestClient],
      exports: [DiscordRestClient],
    };
  }
}
