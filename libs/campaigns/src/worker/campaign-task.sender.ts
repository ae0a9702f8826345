import { Inject, Injectable } from '@nestjs/common';
import { CAMPAIGN_QUEUE } from '@discord-backbone/contracts';
import { QueueSender } from '@discord-backbone/queue';
import { QueuedCampaignTask } from '../campaign-tasks';

export const CAMPAIGN_WORKER_OPTIONS = Symbol('CAMPAIGN_WORKER_OPTIONS');

/** The consumer side's settings (from CampaignsOptions). */
export interface CampaignWorkerOptions {
  /** CAMPAIGN_QUEUE_URL. */
  queueUrl: string;
}

/**
 * Queues a step's follow-up tasks on CAMPAIGN_QUEUE_URL, directly (not through an outbox): the
 * step that sends them is idempotent and is only deleted once they are sent, so a crash in
 * between re-runs the step, which sends them again — within SQS's 5-minute window the FIFO
 * deduplication id drops the copies, later ones find their work done.
 */
@Injectable()
export class CampaignTaskSender {
  private readonly queueUrl: string;

  constructor(
    private readonly sender: QueueSender,
    @Inject(CAMPAIGN_WORKER_OPTIONS) options: CampaignWorkerOptions,
  ) {
    this.queueUrl = options.queueUrl;
  }

  async send(tasks: QueuedCampaignTask[]): Promise<void> {
    await this.sender.sendAll(
      this.queueUrl,
      CAMPAIGN_QUEUE,
      tasks.map(({ task, messageGroupId, deduplicationId }) => ({
        message: task,
        group: messageGroupId,
        dedup: deduplicationId,
      })),
    );
  }
}
