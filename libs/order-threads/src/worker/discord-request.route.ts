import { Injectable } from '@nestjs/common';
import {
  BackendResponseType,
  DISCORD_QUEUE,
  DiscordQueueMessage,
  DiscordQueueMessageType,
  QueueName,
} from '@discord-backbone/contracts';
import { DiscordPermanentError } from '@discord-backbone/discord';
import { DeadLetterFailure, decodeByType, dispatchByType, EffectRoute, HandlersByType } from '@discord-backbone/queue';
import { BackendResponsePublisher } from './backend-response.publisher';
import { ChatForwardHandler } from './chat-forward.handler';
import { CreateThreadHandler } from './create-thread.handler';
import { OrderStatusHandler } from './order-status.handler';
import { ThreadLookup } from './thread.lookup';
import { UserAssignmentHandler } from './user-assignment.handler';

/** DISCORD_QUEUE_URL messages: decoded by `type`, handled by type, answered with `error` when they fail for good. */
@Injectable()
export class DiscordRequestRoute implements EffectRoute<DiscordQueueMessage> {
  readonly consumer = QueueName.DISCORD;
  // Exhaustive by type: a message type without a handler does not compile.
  private readonly handlers: HandlersByType<DiscordQueueMessage, 'type', [], Promise<void>>;

  constructor(
    createThread: CreateThreadHandler,
    orderStatus: OrderStatusHandler,
    userAssignment: UserAssignmentHandler,
    chatForward: ChatForwardHandler,
    private readonly responses: BackendResponsePublisher,
    private readonly threads: ThreadLookup,
  ) {
    this.handlers = {
      [DiscordQueueMessageType.CREATE_THREAD]: (m) => createThread.handle(m),
      [DiscordQueueMessageType.UPDATE_ORDER_STATUS]: (m) => orderStatus.handle(m),
      [DiscordQueueMessageType.ASSIGN_USER]: (m) => userAssignment.handle(m),
      [DiscordQueueMessageType.FORWARD_CHAT_MESSAGE]: (m) => chatForward.handle(m),
    };
  }

  decode(body: unknown): DiscordQueueMessage {
    return decodeByType(body, DISCORD_QUEUE);
  }

  typeOf(message: DiscordQueueMessage): string {
    return message.type;
  }

  /** One order's messages of a batch in order: its thread first, then what goes into it. */
  orderingKey(message: DiscordQueueMessage): string {
    return `${message.metadata.entity_type}:${message.metadata.order_id}`;
  }

  handle(message: DiscordQueueMessage): Promise<void> {
    return dispatchByType(this.handlers, 'type', message);
  }

  /** The backend hears about every request that will never succeed (spec: "send error response"). */
  async onDeadLetter(message: DiscordQueueMessage | undefined, failure: DeadLetterFailure): Promise<void> {
    if (!message) return; // undecodable: nothing to correlate with; the DLQ entry says why
    const threadId = await this.threads.existingThread(message.metadata.entity_type, message.metadata.order_id);
    await this.responses.send(
      message,
      BackendResponseType.ERROR,
      {
        success: false,
        ...(threadId ? { thread_id: threadId } : {}),
        error_class: failure.errorClass,
        error_message: failure.message.slice(0, 1024),
        ...(failure.error instanceof DiscordPermanentError && failure.error.code !== undefined
          ? { discord_code: failure.error.code }
          : {}),
      },
      null,
    );
  }
}
