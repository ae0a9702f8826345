import { Inject, Injectable } from '@nestjs/common';
import {
  BACKEND_QUEUE,
  BackendResponseMessage,
  BackendResponsePayload,
  BackendResponseType,
  DiscordQueueMessage,
} from '@discord-backbone/contracts';
import { QueueSender } from '@discord-backbone/queue';
import { THREAD_WORKER_OPTIONS, ThreadWorkerOptions } from '../order-threads.options';

/**
 * Answers the backend on BACKEND_QUEUE_URL, with the request's metadata for correlation and the
 * current trace context (QueueSender: validated against the backend's contract first). Sent directly, not through an outbox: the handler that calls it is
 * resumable, so a failed send fails the request message, which is retried and answers again.
 * The backend applies answers idempotently.
 */
@Injectable()
export class BackendResponsePublisher {
  private readonly queueUrl: string;

  constructor(
    private readonly sender: QueueSender,
    @Inject(THREAD_WORKER_OPTIONS) options: ThreadWorkerOptions,
  ) {
    this.queueUrl = options.backendQueueUrl;
  }

  async send(
    request: DiscordQueueMessage,
    type: BackendResponseType,
    payload: BackendResponsePayload,
    discordMessageId: string | null,
  ): Promise<void> {
    const response: BackendResponseMessage = {
      type,
      payload,
      metadata: {
        discord_message_id: discordMessageId,
        created_at: new Date().toISOString(),
        original_order_id: request.metadata.order_id,
        entity_type: request.metadata.entity_type,
        request_type: request.type,
        ...(request.metadata.request_id ? { request_id: request.metadata.request_id } : {}),
      },
    };
    await this.sender.send<BackendResponseMessage>(this.queueUrl, BACKEND_QUEUE, response);
  }
}
