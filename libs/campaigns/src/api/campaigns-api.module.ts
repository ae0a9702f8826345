import { Module } from '@nestjs/common';
import { Environment } from '@discord-backbone/config';
import { AddCampaignCommand } from './add-campaign.command';
import { CampaignButtonsHandler } from './campaign-buttons.handler';
import { CampaignTaskProducer } from './campaign-task.producer';
import { CAMPAIGNS_API_OPTIONS, CampaignsApiOptions } from './campaigns-api.options';
import { CampaignsController } from './campaigns.controller';
import { CampaignsMetrics } from './campaigns.metrics';
import { CampaignsQuery } from './campaigns.query';
import { CampaignsService } from './campaigns.service';
import { DiscordSignatureGuard } from './discord-signature.guard';
import { GuildPermissions } from './guild-permissions';
import { InteractionsController } from './interactions.controller';

/**
 * API side of campaign channels (campaign-channel-worker.md): Discord's interactions endpoint
 * (POST /interactions: /add-campaign and the Retry / Roll back buttons) and GET /campaigns/:id.
 * Needs OutboxModule with a `campaign` destination, the validated Environment (DISCORD_PUBLIC_KEY)
 * and the global DiscordRestClient with the bot token (server permissions are read from Discord).
 */
@Module({
  controllers: [InteractionsController, CampaignsController],
  providers: [
    {
      provide: CAMPAIGNS_API_OPTIONS,
      inject: [Environment],
      useFactory: (env: Environment): CampaignsApiOptions => ({
        publicKey: env.DISCORD_PUBLIC_KEY!,
        tokenLifetimeSeconds: env.CAMPAIGN_TOKEN_LIFETIME_SECONDS,
        maxInProgressPerGuild: env.CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD,
      }),
    },
    DiscordSignatureGuard,
    CampaignTaskProducer,
    CampaignsService,
    CampaignsQuery,
    AddCampaignCommand,
    CampaignButtonsHandler,
    GuildPermissions,
    CampaignsMetrics,
  ],
})
export class CampaignsApiModule {}
