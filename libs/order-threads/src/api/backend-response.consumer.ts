import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { MessagePipeline, SqsMessageHandler } from '@discord-backbone/queue';
import { BackendResponseRoute } from './backend-response.route';

/** BACKEND_QUEUE_URL's consumer in the API app: answers applied in one transaction per batch. */
@Injectable()
export class BackendResponseConsumer {
  constructor(
    private readonly pipeline: MessagePipeline,
    private readonly route: BackendResponseRoute,
  ) {}

  @SqsMessageHandler(QueueName.BACKEND, true)
  handleMessages(messages: Message[]): Promise<Message[]> {
    return this.pipeline.processBatch(messages, this.route);
  }
}
