import { Injectable } from '@nestjs/common';
import { QueueName } from '@app/contracts';
import { OutboxService } from '@app/outbox';
import type { PrismaTx } from '@app/prisma';
import { QueuedCampaignTask } from '../campaign-tasks';

/**
 * Stages campaign tasks through the transactional outbox, in the caller's transaction: the
 * campaign's rows and its first task commit together, and the relay sends the task even if SQS
 * is unreachable at that moment. One guild's tasks leave in the order they were staged.
 */
@Injectable()
export class CampaignTaskProducer {
  constructor(private readonly outbox: OutboxService) {}

  async stage(tx: PrismaTx, tasks: QueuedCampaignTask[]): Promise<void> {
    await this.outbox.stage(
      tx,
      tasks.map(({ task, messageGroupId, deduplicationId }) => ({
        destination: QueueName.CAMPAIGN,
        body: task,
        orderingKey: `${QueueName.CAMPAIGN}:${messageGroupId}`,
        messageGroupId,
        deduplicationId,
        attributes: { task_type: task.task_type },
      })),
    );
  }
}
