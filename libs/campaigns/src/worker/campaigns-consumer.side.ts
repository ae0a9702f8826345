import type { RoleSides } from '@discord-backbone/queue';
import { CAMPAIGNS_OPTIONS, CampaignsOptions } from '../campaigns.options';
import { CampaignCompletion } from './campaign-completion';
import { CampaignTaskConsumer } from './campaign-task.consumer';
import { CampaignTaskRoute } from './campaign-task.route';
import { CAMPAIGN_WORKER_OPTIONS, CampaignTaskSender, CampaignWorkerOptions } from './campaign-task.sender';
import { CampaignStore } from './campaign.store';
import { CompleteHandler } from './complete.handler';
import { CreateCategoryHandler } from './create-category.handler';
import { CreateChannelHandler } from './create-channel.handler';
import { CreateRoleHandler } from './create-role.handler';
import { DiscordObjectsService } from './discord-objects.service';
import { GuildRoom } from './guild-room';
import { ProgressDelivery } from './progress.delivery';
import { ProgressReporter } from './progress.reporter';
import { RollbackHandler } from './rollback.handler';

function campaignWorkerOptions(options: CampaignsOptions): CampaignWorkerOptions {
  if (!options.queueUrl)
    throw new Error(
      'CampaignsModule (consumer role): queueUrl (CAMPAIGN_QUEUE_URL) is required, follow-up tasks are queued there',
    );
  return { queueUrl: options.queueUrl };
}

/**
 * The consumer side: the `campaign` queue's handler, which creates (or rolls back) the campaign's
 * role, category and channels, keeping its progress message up to date.
 */
export const CAMPAIGNS_CONSUMER: RoleSides['consumer'] = {
  providers: [
    { provide: CAMPAIGN_WORKER_OPTIONS, inject: [CAMPAIGNS_OPTIONS], useFactory: campaignWorkerOptions },
    CampaignStore,
    GuildRoom,
    DiscordObjectsService,
    ProgressDelivery,
    ProgressReporter,
    CampaignTaskSender,
    CampaignCompletion,
    CreateRoleHandler,
    CreateCategoryHandler,
    CreateChannelHandler,
    CompleteHandler,
    RollbackHandler,
    CampaignTaskRoute,
    CampaignTaskConsumer,
  ],
};
