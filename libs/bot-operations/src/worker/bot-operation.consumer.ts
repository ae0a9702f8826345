import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { MessagePipeline, SqsMessageHandler } from '@discord-backbone/queue';
import { BotOperationRoute } from './bot-operation.route';

/** The bot operations queue's consumer: everything but routing happens in the shared MessagePipeline. */
@Injectable()
export class BotOperationConsumer {
  constructor(
    private readonly pipeline: MessagePipeline,
    private readonly route: BotOperationRoute,
  ) {}

  /**
   * Up to 10 messages per receive: message groups (memberships) in parallel, each group in
   * order, one message at a time (Discord effects cannot share a transaction). Returns the
   * messages to delete.
   */
  @SqsMessageHandler(QueueName.BOT_OPERATIONS, true)
  handleMessages(messages: Message[]): Promise<Message[]> {
    return this.pipeline.processEffects(messages, this.route);
  }
}
