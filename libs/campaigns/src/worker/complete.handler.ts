import { Injectable } from '@nestjs/common';
import { CompleteTask } from '@discord-backbone/contracts';
import { CampaignCompletion } from './campaign-completion';

/** The spec's completion task: the summary, if every channel is done (else the last channel's step posts it). */
@Injectable()
export class CompleteHandler {
  constructor(private readonly completion: CampaignCompletion) {}

  handle(task: CompleteTask): Promise<void> {
    return this.completion.finishIfDone(task.campaign_id);
  }
}
