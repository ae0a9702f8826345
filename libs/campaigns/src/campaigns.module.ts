import { Module } from '@nestjs/common';
import { ConfigurableCampaignsModule } from './campaigns.module-definition';

/**
 * Campaign channels (campaign-channel-worker.md). `forRoot({ publicKey, ... })` (the default
 * `producer` role): Discord's interactions endpoint and GET /campaigns/:id; needs OutboxModule with
 * a `campaign` destination and a global DiscordRestClient with the bot token (server permissions
 * are read from Discord). `forRoot({ role: 'consumer', queueUrl })` (the worker): the `campaign`
 * queue's handler; needs QueueModule with that consumer and a global DiscordRestClient.
 */
@Module({})
export class CampaignsModule extends ConfigurableCampaignsModule {}
