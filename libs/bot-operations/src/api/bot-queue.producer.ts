import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  BOT_OPERATIONS_QUEUE,
  BotOperation,
  botOperationGroup,
  BotOperationType,
  InviteUserOperation,
  RemovalReason,
  RemoveUserOperation,
  VerifyPermissionsOperation,
} from '@discord-backbone/contracts';
import { executeInTransaction, HostTransaction, OutboxService } from '@discord-backbone/outbox';
import { quoteQualifiedName } from '@discord-backbone/prisma';
import { decodeByType, MessageValidationError } from '@discord-backbone/queue';
import {
  BOT_OPERATIONS_OPTIONS,
  BotOperationsOptions,
  DEFAULT_BOT_OPERATIONS_MAX_ATTEMPTS,
} from '../bot-operations.options';
import { BotOperationRejectedError } from './bot-operation.errors';

export interface InviteUserRequest {
  discordUserId: string;
  channelId: string;
  subscriptionId: string;
  orderId?: string;
  maxRetries?: number;
}

export interface RemoveUserRequest {
  discordUserId: string;
  channelId: string;
  subscriptionId: string;
  reason: RemovalReason;
  maxRetries?: number;
}

export interface VerifyPermissionsRequest {
  channelId: string;
  listingId?: string;
  maxRetries?: number;
}

/** What was staged: enough to find the operation again (GET /bot-operations/:id) or in SQS. */
export interface EnqueuedBotOperation {
  operationId: string;
  type: BotOperationType;
  messageGroupId: string;
  deduplicationId: string;
}

/**
 * Queues bot operations (bot-operation-queue.md) on the FIFO queue BOT_OPERATIONS_QUEUE_URL.
 * Each method stages the message through the transactional outbox in the caller's transaction
 * (the host's Prisma interactive transaction or pg client, see HostTransaction) and creates its
 * BotOperation row (status `queued`) there too: the operation is sent if and only if the
 * caller's change commits, even when SQS is unreachable at that moment.
 *
 * Ordering and deduplication: the message group is the membership (`<discordUserId>:<channelId>`;
 * `channel:<channelId>` for permission checks), so operations on one membership are applied in
 * the order they were queued; the deduplication id is the operation id, so a relay that re-sends
 * after a crash does not create a second message.
 *
 * Error contract: a method either returns the EnqueuedBotOperation or throws
 * BotOperationRejectedError (invalid operation, or BOT_OPERATIONS_QUEUE_URL unset, when the
 * outbox could never deliver it). Nothing is returned as null; the caller's transaction is
 * rolled back by the throw, so no state change is left without its operation.
 */
@Injectable()
export class BotQueueProducer {
  private readonly insertOperation: string;

  constructor(
    private readonly outbox: OutboxService,
    @Inject(BOT_OPERATIONS_OPTIONS) private readonly options: BotOperationsOptions,
  ) {
    // Plain SQL: the host's transaction client knows nothing of this project's Prisma models.
    this.insertOperation =
      `INSERT INTO ${quoteQualifiedName(options.table ?? 'bot_operations')} (id, type, channel_id, discord_user_id, subscription_id, listing_id, reason) ` +
      'VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text)';
  }

  /** Whether operations can be queued at all (BOT_OPERATIONS_QUEUE_URL is set). */
  isConfigured(): boolean {
    return this.options.queueUrl !== undefined && this.options.queueUrl !== '';
  }

  enqueueInviteUser(tx: HostTransaction, request: InviteUserRequest): Promise<EnqueuedBotOperation> {
    const { maxRetries, ...fields } = request;
    return this.enqueue<InviteUserOperation>(tx, {
      ...this.base(BotOperationType.INVITE_USER, fields.channelId, maxRetries),
      ...fields,
    });
  }

  enqueueRemoveUser(tx: HostTransaction, request: RemoveUserRequest): Promise<EnqueuedBotOperation> {
    const { maxRetries, ...fields } = request;
    return this.enqueue<RemoveUserOperation>(tx, {
      ...this.base(BotOperationType.REMOVE_USER, fields.channelId, maxRetries),
      ...fields,
    });
  }

  enqueueVerifyPermissions(tx: HostTransaction, request: VerifyPermissionsRequest): Promise<EnqueuedBotOperation> {
    const { maxRetries, ...fields } = request;
    return this.enqueue<VerifyPermissionsOperation>(tx, {
      ...this.base(BotOperationType.VERIFY_PERMISSIONS, fields.channelId, maxRetries),
      ...fields,
    });
  }

  private base<T extends BotOperationType>(type: T, channelId: string, maxRetries: number | undefined) {
    return {
      operationId: randomUUID(),
      type,
      channelId,
      createdAt: new Date().toISOString(),
      maxRetries: maxRetries ?? Math.max(0, (this.options.maxAttempts ?? DEFAULT_BOT_OPERATIONS_MAX_ATTEMPTS) - 1),
    };
  }

  private async enqueue<T extends BotOperation>(tx: HostTransaction, operation: T): Promise<EnqueuedBotOperation> {
    if (!this.isConfigured()) {
      throw new BotOperationRejectedError(
        `Cannot queue ${operation.type}: BOT_OPERATIONS_QUEUE_URL is not configured, so the operation could never be delivered`,
        'not_configured',
      );
    }
    // Validated against the very class the worker decodes with: a bad operation fails here, not in the
    // DLQ. The outbox validates again as it stages; checking first keeps an invalid operation's row out.
    const body = definedFields(operation) as T;
    try {
      decodeByType(body, BOT_OPERATIONS_QUEUE);
    } catch (error) {
      if (error instanceof MessageValidationError)
        throw new BotOperationRejectedError(`Invalid ${operation.type} operation: ${error.message}`, 'invalid');
      throw error;
    }

    const messageGroupId = botOperationGroup(operation);
    const deduplicationId = operation.operationId;
    await executeInTransaction(tx, this.insertOperation, [
      operation.operationId,
      operation.type,
      operation.channelId,
      'discordUserId' in operation ? operation.discordUserId : null,
      'subscriptionId' in operation ? operation.subscriptionId : null,
      'listingId' in operation ? (operation.listingId ?? null) : null,
      'reason' in operation ? operation.reason : null,
    ]);
    await this.outbox.stage<BotOperation>(tx, BOT_OPERATIONS_QUEUE, body, {
      group: messageGroupId,
      dedup: deduplicationId,
    });
    return { operationId: operation.operationId, type: operation.type, messageGroupId, deduplicationId };
  }
}

/** One group per membership (user + channel); permission checks are per channel (`botOperationGroup` of the contracts). */
export const messageGroupOf = botOperationGroup;

/** The message body without undefined fields (the contract forbids unknown, not absent, ones). */
function definedFields(operation: BotOperation): Record<string, unknown> {
  return Object.fromEntries(Object.entries(operation).filter(([, value]) => value !== undefined));
}
