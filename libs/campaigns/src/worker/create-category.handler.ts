import { Injectable } from '@nestjs/common';
import { CreateCategoryTask } from '@discord-backbone/contracts';
import { CampaignStatus } from '@discord-backbone/prisma';
import { nextTasks } from '../campaign-tasks';
import { CATEGORY_POSITION, isCreated, ROLE_POSITION, stepAt } from '../campaign.state';
import { CampaignTaskSender } from './campaign-task.sender';
import { CampaignStore } from './campaign.store';
import { DiscordObjectsService } from './discord-objects.service';
import { ProgressReporter } from './progress.reporter';

/** The campaign's private category, then a task per channel still missing and the completion. */
@Injectable()
export class CreateCategoryHandler {
  constructor(
    private readonly store: CampaignStore,
    private readonly objects: DiscordObjectsService,
    private readonly sender: CampaignTaskSender,
    private readonly progress: ProgressReporter,
  ) {}

  async handle(task: CreateCategoryTask): Promise<void> {
    const campaign = await this.store.require(task.campaign_id);
    if (campaign.status !== CampaignStatus.running) return this.progress.settle(campaign);
    if (!isCreated(stepAt(campaign, ROLE_POSITION))) return; // out of order: the role's step queues this one
    const category = stepAt(campaign, CATEGORY_POSITION);
    if (!isCreated(category)) {
      this.progress.request(campaign.id);
      await this.objects.ensure(campaign, category);
    }
    await this.sender.send(nextTasks(await this.store.require(campaign.id)));
  }
}
