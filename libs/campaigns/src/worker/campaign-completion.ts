import { Injectable } from '@nestjs/common';
import { CampaignStore } from './campaign.store';
import { ProgressReporter } from './progress.reporter';

/**
 * The summary, exactly once: the campaign completes when the database shows every channel
 * created, whichever task (the last channel, or `complete`) sees it first and in whatever order
 * they arrive; the final edit is recorded, so later tasks find nothing left to show.
 */
@Injectable()
export class CampaignCompletion {
  constructor(
    private readonly store: CampaignStore,
    private readonly progress: ProgressReporter,
  ) {}

  async finishIfDone(campaignId: string): Promise<void> {
    await this.store.completeIfDone(campaignId);
    await this.progress.settle(await this.store.require(campaignId));
  }
}
