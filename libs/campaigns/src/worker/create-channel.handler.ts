import { Injectable } from '@nestjs/common';
import { CreateChannelTask } from '@discord-backbone/contracts';
import { CampaignStatus, CampaignStepKind } from '@discord-backbone/prisma';
import { NotFoundError } from '@discord-backbone/queue';
import { stepPositionOf } from '../campaign-tasks';
import { CATEGORY_POSITION, isCreated, stepAt } from '../campaign.state';
import { CampaignCompletion } from './campaign-completion';
import { CampaignStore } from './campaign.store';
import { DiscordObjectsService } from './discord-objects.service';
import { ProgressReporter } from './progress.reporter';

/** The spec's step: one channel in the campaign's category, the progress bar, and the summary if it was the last. */
@Injectable()
export class CreateChannelHandler {
  constructor(
    private readonly store: CampaignStore,
    private readonly objects: DiscordObjectsService,
    private readonly progress: ProgressReporter,
    private readonly completion: CampaignCompletion,
  ) {}

  async handle(task: CreateChannelTask): Promise<void> {
    const campaign = await this.store.require(task.campaign_id);
    // A campaign that failed or is being rolled back creates nothing more.
    if (campaign.status !== CampaignStatus.running) return this.progress.settle(campaign);
    const step = campaign.steps.find((s) => s.position === stepPositionOf(task) && s.kind === CampaignStepKind.channel);
    if (!step) throw new NotFoundError(`Campaign ${campaign.id} has no channel ${task.current}`);
    if (!isCreated(stepAt(campaign, CATEGORY_POSITION))) return; // out of order: the category's step queues this one
    if (!isCreated(step)) {
      await this.objects.ensure(campaign, step);
      this.progress.request(campaign.id);
    }
    await this.completion.finishIfDone(campaign.id);
  }
}
