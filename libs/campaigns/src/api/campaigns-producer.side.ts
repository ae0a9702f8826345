import type { RoleSides } from '@discord-backbone/queue';
import { CAMPAIGNS_OPTIONS } from '../campaigns.options';
import { AddCampaignCommand } from './add-campaign.command';
import { CampaignButtonsHandler } from './campaign-buttons.handler';
import { CampaignTaskProducer } from './campaign-task.producer';
import { CAMPAIGNS_API_OPTIONS, campaignsApiOptions } from './campaigns-api.options';
import { CampaignsController } from './campaigns.controller';
import { CampaignsMetrics } from './campaigns.metrics';
import { CampaignsQuery } from './campaigns.query';
import { CampaignsService } from './campaigns.service';
import { DiscordSignatureGuard } from './discord-signature.guard';
import { GuildPermissions } from './guild-permissions';
import { InteractionsController } from './interactions.controller';

/**
 * The producer side (campaign-channel-worker.md): Discord's interactions endpoint (POST
 * /interactions: /add-campaign and the Retry / Roll back buttons) and GET /campaigns/:id.
 */
export const CAMPAIGNS_PRODUCER: RoleSides['producer'] = {
  controllers: [InteractionsController, CampaignsController],
  providers: [
    { provide: CAMPAIGNS_API_OPTIONS, inject: [CAMPAIGNS_OPTIONS], useFactory: campaignsApiOptions },
    DiscordSignatureGuard,
    CampaignTaskProducer,
    CampaignsService,
    CampaignsQuery,
    AddCampaignCommand,
    CampaignButtonsHandler,
    GuildPermissions,
    CampaignsMetrics,
  ],
};
