import { Equals, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsSnowflake } from './discord-ids';
import type { OutboxQueueContract } from './queue-contract';
import { QueueName } from './queues.table';

/**
 * Messages on BOT_OPERATIONS_QUEUE_URL (FIFO, API → bot-operations worker), spec:
 * bot-operation-queue.md. Written for Telegram; on Discord the operations keep their names and
 * meaning: invite = give the user access to the subscription's channel, remove = take it away,
 * verify permissions = check the bot may do both in that channel.
 */
export enum BotOperationType {
  INVITE_USER = 'INVITE_USER',
  REMOVE_USER = 'REMOVE_USER',
  VERIFY_PERMISSIONS = 'VERIFY_PERMISSIONS',
}

export const REMOVAL_REASONS = ['expiry', 'refund', 'manual'] as const;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

/** Message attributes of every bot operation (SQS filtering and DLQ triage without parsing the body). */
export const BotOperationAttribute = {
  OPERATION_TYPE: 'operation_type',
  /** Attempts made before the message was sent: 0 from the producer; the worker counts receives. */
  ATTEMPT_COUNT: 'attempt_count',
} as const;

/** SQS limit on MessageGroupId and MessageDeduplicationId. */
export const MAX_FIFO_ID_LENGTH = 128;
/** An operation is retried at most this often, whatever it asks for. */
export const MAX_OPERATION_RETRIES = 99;

/** What the worker records on the BotOperation row (`result`) once an operation is done. */
export interface BotOperationResult {
  /** `applied`: Discord now matches the operation. `skipped`: nothing to do, see `note`. */
  outcome: 'applied' | 'skipped';
  note?: string;
  /** How access is given: the channel's role, or a member permission overwrite on the channel. */
  access?: 'role' | 'overwrite';
  /** Invite to a user who is not in the guild yet: access applies once they join with it. */
  awaitingJoin?: boolean;
  inviteCode?: string;
  dmMessageId?: string;
  /** The invite could not be DM'd (e.g. the user's DMs are closed); the code is still recorded. */
  dmError?: string;
  kicked?: boolean;
  missingPermissions?: string[];
}

// ---- The operations: what the consumer decodes and the producer validates against ------------

abstract class BotOperationBase {
  abstract type: BotOperationType;
  /** The BotOperation row's id; also the FIFO deduplication id. */
  @IsUUID() operationId!: string;
  /** The Discord channel sold by subscription. */
  @IsSnowflake() channelId!: string;
  /** ISO 8601, when the API queued it. */
  @IsISO8601() createdAt!: string;
  /** Retries after the first attempt before the operation is dead-lettered (the worker's own limit still applies). */
  @IsInt() @Min(0) @Max(MAX_OPERATION_RETRIES) maxRetries!: number;
}

export class InviteUserOperation extends BotOperationBase {
  @Equals(BotOperationType.INVITE_USER) type!: BotOperationType.INVITE_USER;
  @IsSnowflake() discordUserId!: string;
  @IsUUID() subscriptionId!: string;
  @IsOptional() @IsString() @Length(1, 64) orderId?: string;
}

export class RemoveUserOperation extends BotOperationBase {
  @Equals(BotOperationType.REMOVE_USER) type!: BotOperationType.REMOVE_USER;
  @IsSnowflake() discordUserId!: string;
  @IsUUID() subscriptionId!: string;
  @IsIn(REMOVAL_REASONS, { message: `reason must be one of ${REMOVAL_REASONS.join(', ')}` }) reason!: RemovalReason;
}

export class VerifyPermissionsOperation extends BotOperationBase {
  @Equals(BotOperationType.VERIFY_PERMISSIONS) type!: BotOperationType.VERIFY_PERMISSIONS;
  /** The listing whose permission check this is; absent for an ad-hoc check. */
  @IsOptional() @IsUUID() listingId?: string;
}

/** The class that validates each operation type: decoding is exhaustive by construction. */
export const BOT_OPERATION_MESSAGE_CLASSES = {
  [BotOperationType.INVITE_USER]: InviteUserOperation,
  [BotOperationType.REMOVE_USER]: RemoveUserOperation,
  [BotOperationType.VERIFY_PERMISSIONS]: VerifyPermissionsOperation,
} as const;

export type BotOperation = InviteUserOperation | RemoveUserOperation | VerifyPermissionsOperation;
export type BotOperationOf<T extends BotOperationType> = Extract<BotOperation, { type: T }>;

/** One group per membership (user + channel); permission checks are per channel. Snowflakes keep it well under 128 chars. */
export function botOperationGroup(operation: BotOperation): string {
  return operation.type === BotOperationType.VERIFY_PERMISSIONS
    ? `channel:${operation.channelId}`
    : `${operation.discordUserId}:${operation.channelId}`;
}

/** BOT_OPERATIONS_QUEUE_URL: one membership's operations leave the outbox in order, as they are applied. */
export const BOT_OPERATIONS_QUEUE: OutboxQueueContract<BotOperation> = {
  queue: QueueName.BOT_OPERATIONS,
  discriminator: 'type',
  classes: BOT_OPERATION_MESSAGE_CLASSES,
  what: 'bot operation type',
  orderingKey: (operation) => `${QueueName.BOT_OPERATIONS}:${botOperationGroup(operation)}`,
  attributes: (operation) => ({
    [BotOperationAttribute.OPERATION_TYPE]: operation.type,
    [BotOperationAttribute.ATTEMPT_COUNT]: 0,
  }),
};
