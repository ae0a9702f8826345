import { Injectable } from '@nestjs/common';
import {
  AssignUserMessage,
  CreateThreadMessage,
  DISCORD_QUEUE,
  DiscordMessageMetadata,
  DiscordQueueMessage,
  DiscordQueueMessageType,
  ForwardChatMessageMessage,
  OrderSnapshot,
  QueueName,
  RequestMetadata,
  ThreadEntityType,
  UpdateOrderStatusMessage,
} from '@discord-backbone/contracts';
import { HostTransaction, OutboxService } from '@discord-backbone/outbox';

export interface ThreadTarget {
  serverId: string;
  channelId: string;
}

export interface ThreadRequest extends ThreadTarget {
  /** Discord ids to add to the thread. */
  members: string[];
  order: OrderSnapshot;
  customerDiscordId: string | null;
}

/** Which order or offer session a Phase 4 request is about, and its request id. */
export interface RequestTarget {
  entityType: ThreadEntityType;
  entityId: string;
  requestId: string;
}

/**
 * Produces DISCORD_QUEUE_URL messages (thread-queue-handoff.md). Every method stages the message
 * in the caller's transaction (the host's Prisma interactive transaction or pg client, see
 * HostTransaction) through the outbox and returns the message as it will be sent:
 * nothing waits for SQS or Discord, and a committed change always becomes its message.
 * The outbox validates each message against the contract before it is staged (a bug here fails
 * the request that caused it instead of poisoning the queue) and orders one order's messages
 * (thread first, then updates) by the contract's ordering key.
 */
@Injectable()
export class DiscordQueueProducer {
  constructor(private readonly outbox: OutboxService) {}

  /** Whether DISCORD_QUEUE_URL is configured: without it nothing could ever be sent. */
  isConfigured(): boolean {
    return this.outbox.isConfigured(QueueName.DISCORD);
  }

  createThread(tx: HostTransaction, request: ThreadRequest): Promise<CreateThreadMessage> {
    return this.stageThread(tx, 'order', request);
  }

  createOfferThread(tx: HostTransaction, request: ThreadRequest): Promise<CreateThreadMessage> {
    return this.stageThread(tx, 'offer_session', request);
  }

  updateOrderStatus(
    tx: HostTransaction,
    target: RequestTarget,
    status: string,
    previousStatus?: string,
  ): Promise<UpdateOrderStatusMessage> {
    return this.stage<UpdateOrderStatusMessage>(tx, {
      type: DiscordQueueMessageType.UPDATE_ORDER_STATUS,
      payload: { status, ...(previousStatus ? { previous_status: previousStatus } : {}) },
      metadata: this.requestMetadata(target),
    });
  }

  assignUser(
    tx: HostTransaction,
    target: RequestTarget,
    assignedId: string,
    assignedDiscordId: string,
  ): Promise<AssignUserMessage> {
    return this.stage<AssignUserMessage>(tx, {
      type: DiscordQueueMessageType.ASSIGN_USER,
      payload: { assigned_id: assignedId, assigned_discord_id: assignedDiscordId },
      metadata: this.requestMetadata(target),
    });
  }

  forwardChatMessage(
    tx: HostTransaction,
    target: RequestTarget,
    authorName: string,
    content: string,
  ): Promise<ForwardChatMessageMessage> {
    return this.stage<ForwardChatMessageMessage>(tx, {
      type: DiscordQueueMessageType.FORWARD_CHAT_MESSAGE,
      payload: { chat_message_id: target.requestId, author_name: authorName, content },
      metadata: this.requestMetadata(target),
    });
  }

  private stageThread(
    tx: HostTransaction,
    entityType: ThreadEntityType,
    request: ThreadRequest,
  ): Promise<CreateThreadMessage> {
    return this.stage<CreateThreadMessage>(tx, {
      type: DiscordQueueMessageType.CREATE_THREAD,
      payload: {
        server_id: request.serverId,
        channel_id: request.channelId,
        members: request.members,
        order: request.order,
        customer_discord_id: request.customerDiscordId,
      },
      metadata: this.metadata(entityType, request.order.order_id),
    });
  }

  /** The spec's create_thread metadata, exactly. */
  private metadata(entityType: ThreadEntityType, entityId: string): DiscordMessageMetadata {
    return { order_id: entityId, entity_type: entityType, created_at: new Date().toISOString(), retry_count: 0 };
  }

  /** Phase 4: the same plus the request id the bot keys its effect on. */
  private requestMetadata(target: RequestTarget): RequestMetadata {
    return { ...this.metadata(target.entityType, target.entityId), request_id: target.requestId };
  }

  private async stage<M extends DiscordQueueMessage>(tx: HostTransaction, message: M): Promise<M> {
    await this.outbox.stage<DiscordQueueMessage>(tx, DISCORD_QUEUE, message);
    return message;
  }
}
