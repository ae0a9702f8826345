import { Module } from '@nestjs/common';
import { CampaignCompletion } from './campaign-completion';
import { CampaignStore } from './campaign.store';
import { CampaignTaskConsumer } from './campaign-task.consumer';
import { CampaignTaskRoute } from './campaign-task.route';
import { CampaignTaskSender } from './campaign-task.sender';
import { CompleteHandler } from './complete.handler';
import { CreateCategoryHandler } from './create-category.handler';
import { CreateChannelHandler } from './create-channel.handler';
import { CreateRoleHandler } from './create-role.handler';
import { DiscordObjectsService } from './discord-objects.service';
import { GuildRoom } from './guild-room';
import { ProgressReporter } from './progress.reporter';
import { RollbackHandler } from './rollback.handler';

/**
 * Worker side of campaign channels: consumes CAMPAIGN_QUEUE_URL and creates (or rolls back) the
 * campaign's role, category and channels, keeping its progress message up to date. Needs
 * QueueModule with a `campaign` consumer and a global DiscordRestClient (the worker module provides both).
 */
@Module({
  providers: [
    CampaignStore,
    GuildRoom,
    DiscordObjectsService,
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
})
export class CampaignWorkerModule {}
