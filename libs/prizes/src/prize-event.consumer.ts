import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { MessagePipeline, SqsMessageHandler } from '@discord-backbone/queue';
import { PrizeEventRoute } from './prize-event.route';

/** The prize queue's consumer: everything but routing happens in the shared MessagePipeline. */
@Injectable()
export class PrizeEventConsumer {
  constructor(
    private readonly pipeline: MessagePipeline,
    private readonly route: PrizeEventRoute,
  ) {}

  /** Batch handler: a received batch is applied in one transaction; returns the messages to delete. */
  @SqsMessageHandler(QueueName.PRIZE_DISTRIBUTION, true)
  handleMessages(messages: Message[]): Promise<Message[]> {
    return this.pipeline.processBatch(messages, this.route);
  }
}
