import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { QueueName } from '@app/contracts';
import { Acknowledgement, MessagePipeline, SqsMessageHandler } from '@app/queue';
import { PrizeEventRoute } from './prize-event.route';

/** The prize queue's consumer: everything but routing happens in the shared MessagePipeline. */
@Injectable()
export class PrizeEventConsumer {
  constructor(
    private readonly pipeline: MessagePipeline,
    private readonly route: PrizeEventRoute,
  ) {}

  @SqsMessageHandler(QueueName.PRIZE_DISTRIBUTION, false)
  handleMessage(message: Message): Promise<Acknowledgement> {
    return this.pipeline.process(message, this.route);
  }
}
