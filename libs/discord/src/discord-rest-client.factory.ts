import { Injectable, Module } from '@nestjs/common';
import { DiscordRestClient } from './discord-rest.client';
import type { DiscordOptions } from './discord.options';

/**
 * The one place DiscordRestClients are made: the worker's bot token (DiscordModule) and each
 * relay bot's token alike. Whatever every Discord caller of the process must share (Discord
 * counts invalid requests per IP, not per token) is given to the clients here.
 */
@Injectable()
export class DiscordRestClientFactory {
  create(options: DiscordOptions): DiscordRestClient {
    return new DiscordRestClient(options);
  }
}

/** Provides the process's single DiscordRestClientFactory to every module that imports it. */
@Module({ providers: [DiscordRestClientFactory], exports: [DiscordRestClientFactory] })
export class DiscordClientsModule {}
