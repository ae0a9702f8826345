import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { MessagePipeline, SqsMessageHandler } from '@discord-backbone/queue';
import { DiscordRequestRoute } from './discord-request.route';

/** DISCORD_QUEUE_URL's consumer: each message through the shared pipeline's effect mode. */
@Injectable()
export class DiscordRequestConsumer {
  constructor(
    private readonly pipeline: MessagePipeline,
    private readonly route: DiscordRequestRoute,
  ) {}

  @SqsMessageHandler(QueueName.DISCORD, true)
  handleMessages(messages: Message[]): Promise<Message[]> {
    return this.pipeline.processEffects(messages, this.route);
  }
}
