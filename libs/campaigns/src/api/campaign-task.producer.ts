import { Injectable } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { HostTransaction, OutboxService } from '@discord-backbone/outbox';
import { QueuedCampaignTask } from '../campaign-tasks';

/**
 * Stages campaign tasks through the transactional outbox, in the caller's transaction: the
 * campaign's rows and its first task commit together, and the relay sends the task even if SQS
 * is unreachable at that moment. One campaign's tasks leave in the order they were staged; other
 * campaigns' (of the same guild too) do not wait behind them: the relay sends one message per
 * ordering key per round, and the FIFO queue orders a guild's tasks by their arrival anyway.
 */
@Injectable()
export class CampaignTaskProducer {
  constructor(private readonly outbox: OutboxService) {}

  async stage(tx: HostTransaction, tasks: QueuedCampaignTask[]): Promise<void> {
    await this.outbox.stage(
      tx,
      tasks.map(({ task, messageGroupId, deduplicationId }) => ({
        destination: QueueName.CAMPAIGN,
        body: task,
        orderingKey: `${QueueName.CAMPAIGN}:${task.campaign_id}`,
        messageGroupId,
        deduplicationId,
        attributes: { task_type: task.task_type },
      })),
    );
  }
}
