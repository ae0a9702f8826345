import { Injectable } from '@nestjs/common';
import { CAMPAIGN_QUEUE } from '@discord-backbone/contracts';
import { HostTransaction, OutboxService } from '@discord-backbone/outbox';
import { QueuedCampaignTask } from '../campaign-tasks';

/**
 * Stages campaign tasks through the transactional outbox, in the caller's transaction: the
 * campaign's rows and its first task commit together, and the dispatcher sends the task even if
 * SQS is unreachable at that moment. One campaign's tasks leave in the order they were staged (the
 * contract's ordering key is the campaign); other campaigns' (of the same guild too) do not wait
 * behind them: the dispatcher sends one message per ordering key per round, and the FIFO queue
 * orders a guild's tasks by their arrival anyway.
 */
@Injectable()
export class CampaignTaskProducer {
  constructor(private readonly outbox: OutboxService) {}

  async stage(tx: HostTransaction, tasks: QueuedCampaignTask[]): Promise<void> {
    await this.outbox.stageAll(
      tx,
      CAMPAIGN_QUEUE,
      tasks.map(({ task, messageGroupId, deduplicationId }) => ({
        message: task,
        group: messageGroupId,
        dedup: deduplicationId,
      })),
    );
  }
}
