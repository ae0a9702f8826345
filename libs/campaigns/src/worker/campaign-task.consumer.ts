import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { MessagePipeline, SqsMessageHandler } from '@discord-backbone/queue';
import { CampaignTaskRoute } from './campaign-task.route';

/** CAMPAIGN_QUEUE_URL's consumer: each task through the shared pipeline's effect mode. */
@Injectable()
export class CampaignTaskConsumer {
  constructor(
    private readonly pipeline: MessagePipeline,
    private readonly route: CampaignTaskRoute,
  ) {}

  @SqsMessageHandler(QueueName.CAMPAIGN, true)
  handleMessages(messages: Message[]): Promise<Message[]> {
    return this.pipeline.processEffects(messages, this.route);
  }
}
