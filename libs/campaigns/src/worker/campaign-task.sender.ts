import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Inject, Injectable } from '@nestjs/common';
import { SQS_CLIENT, traceContextAttributes } from '@discord-backbone/queue';
import { QueuedCampaignTask } from '../campaign-tasks';

const SQS_BATCH_LIMIT = 10;

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
    @Inject(SQS_CLIENT) private readonly sqs: SQSClient,
    @Inject(CAMPAIGN_WORKER_OPTIONS) options: CampaignWorkerOptions,
  ) {
    this.queueUrl = options.queueUrl;
  }

  async send(tasks: QueuedCampaignTask[]): Promise<void> {
    for (let i = 0; i < tasks.length; i += SQS_BATCH_LIMIT) {
      const batch = tasks.slice(i, i + SQS_BATCH_LIMIT);
      const { Failed = [] } = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map(({ task, messageGroupId, deduplicationId }, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(task),
            MessageGroupId: messageGroupId,
            MessageDeduplicationId: deduplicationId,
            MessageAttributes: {
              ...traceContextAttributes(),
              task_type: { DataType: 'String', StringValue: task.task_type },
            },
          })),
        }),
      );
      if (Failed.length > 0)
        throw new Error(
          `SQS refused ${Failed.length} campaign task(s): ${Failed[0].Code ?? 'Error'}: ${Failed[0].Message ?? ''}`,
        );
    }
  }
}
