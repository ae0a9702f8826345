import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { QueueName } from '@app/contracts';
import { MessagePipeline, SqsMessageHandler } from '@app/queue';
import { CampaignTaskRoute } from './campaign-task.route';

/** CAMPAIGN_QUEUE_URL's consumer: each task through the shared pipeline's per-message mode. */
@Injectable()
export class CampaignTaskConsumer {
  constructor(
    private readonly pipeline: MessagePipeline,
    private readonly route: CampaignTaskRoute,
  ) {}

  @SqsMessageHandler(QueueName.CAMPAIGN, true)
  handleMessages(messages: Message[]): Promise<Message[]> {
    return this.pipeline.processEach(messages, this.route);
  }
}
