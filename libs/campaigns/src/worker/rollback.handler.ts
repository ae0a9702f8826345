import { Injectable } from '@nestjs/common';
import { RollbackTask } from '@discord-backbone/contracts';
import { CampaignStatus } from '@discord-backbone/prisma';
import { isCreated } from '../campaign.state';
import { CampaignStore } from './campaign.store';
import { DiscordObjectsService } from './discord-objects.service';
import { ProgressReporter } from './progress.reporter';

/**
 * Roll back: deletes exactly what this campaign recorded, in reverse order (channels, then the
 * category, then the role), each recorded as it goes, so a redelivery resumes; an object already
 * gone (404) counts as deleted.
 */
@Injectable()
export class RollbackHandler {
  constructor(
    private readonly store: CampaignStore,
    private readonly objects: DiscordObjectsService,
    private readonly progress: ProgressReporter,
  ) {}

  async handle(task: RollbackTask): Promise<void> {
    const campaign = await this.store.require(task.campaign_id);
    if (campaign.status !== CampaignStatus.rolling_back) return this.progress.settle(campaign);
    for (const step of [...campaign.steps].reverse()) {
      if (!isCreated(step)) continue;
      await this.objects.remove(campaign, step);
      this.progress.request(campaign.id);
    }
    await this.store.rolledBack(campaign.id);
    await this.progress.settle(await this.store.require(campaign.id));
  }
}
