// class-transformer's @Type reads design metadata when these classes are declared.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  isUUID,
  Length,
  Max,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { IsSnowflake } from './discord-ids';
import type { OutboxQueueContract, QueueContract } from './queue-contract';
import { QueueName } from './queues.table';

/**
 * Messages on DISCORD_QUEUE_URL (backend → Discord bot) and BACKEND_QUEUE_URL (responses),
 * spec: thread-queue-handoff.md. Field names are the spec's (snake_case on the wire).
 */
export enum DiscordQueueMessageType {
  CREATE_THREAD = 'create_thread',
  // Phase 4
  UPDATE_ORDER_STATUS = 'update_order_status',
  ASSIGN_USER = 'assign_user',
  FORWARD_CHAT_MESSAGE = 'forward_chat_message',
}

export enum BackendResponseType {
  THREAD_CREATED = 'thread_created',
  ORDER_STATUS_UPDATED = 'order_status_updated',
  USER_ASSIGNED = 'user_assigned',
  CHAT_MESSAGE_FORWARDED = 'chat_message_forwarded',
  /** A request that failed for good; `payload.request_type` says which. */
  ERROR = 'error',
}

export const THREAD_ENTITY_TYPES = ['order', 'offer_session'] as const;
export type ThreadEntityType = (typeof THREAD_ENTITY_TYPES)[number];

/** An order thread has a customer, an assignee and a few staff; far more is an absurd value. */
export const MAX_THREAD_MEMBERS = 25;
/** Discord's message length limit. */
export const MAX_DISCORD_MESSAGE_LENGTH = 2000;

/**
 * The order or offer session as the backend saw it ("full order/offer session object … other
 * fields"): these fields are read, any others are carried along untouched.
 */
export interface OrderSnapshot {
  order_id: string;
  customer_id: string;
  assigned_id?: string | null;
  title?: string;
  description?: string;
  status?: string;
  kind?: ThreadEntityType;
  created_at?: string;
  [field: string]: unknown;
}

const SNAPSHOT_FIELDS: Record<string, (value: unknown) => boolean> = {
  order_id: (v) => typeof v === 'string' && isUUID(v),
  customer_id: (v) => typeof v === 'string' && v.length >= 1 && v.length <= 64,
  assigned_id: (v) => v === undefined || v === null || (typeof v === 'string' && v.length >= 1 && v.length <= 64),
  title: (v) => v === undefined || (typeof v === 'string' && v.length <= 200),
  status: (v) => v === undefined || (typeof v === 'string' && v.length <= 32),
};

/** Validates the snapshot's known fields and lets the others through (the spec's "… other fields"). */
@ValidatorConstraint({ name: 'orderSnapshot' })
class OrderSnapshotConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    return Object.entries(SNAPSHOT_FIELDS).every(([field, valid]) => valid((value as Record<string, unknown>)[field]));
  }

  defaultMessage(): string {
    return 'order must be an object with order_id (UUID) and customer_id; assigned_id, title, status are optional strings';
  }
}

export class DiscordMessageMetadata {
  @IsUUID() order_id!: string;
  @IsIn(THREAD_ENTITY_TYPES, { message: 'entity_type must be "order" or "offer_session"' })
  entity_type!: ThreadEntityType;
  @IsISO8601() created_at!: string;
  @IsInt() @Min(0) @Max(1000) retry_count!: number;
  /** Phase 4 requests: one id per request, so a redelivered request acts once. */
  @IsOptional() @IsUUID() request_id?: string;
}

export class CreateThreadPayload {
  @IsSnowflake() server_id!: string;
  @IsSnowflake() channel_id!: string;
  @IsArray()
  @ArrayMaxSize(MAX_THREAD_MEMBERS)
  @IsSnowflake({ each: true })
  members!: string[];
  @Validate(OrderSnapshotConstraint) order!: OrderSnapshot;
  @IsOptional() @IsSnowflake() customer_discord_id?: string | null;
}

export class CreateThreadMessage {
  @Equals(DiscordQueueMessageType.CREATE_THREAD) type!: DiscordQueueMessageType.CREATE_THREAD;
  @ValidateNested() @Type(() => CreateThreadPayload) payload!: CreateThreadPayload;
  @ValidateNested() @Type(() => DiscordMessageMetadata) metadata!: DiscordMessageMetadata;
}

/** Phase 4 requests name their request id: required there, optional on create_thread (spec shape). */
export class RequestMetadata extends DiscordMessageMetadata {
  @IsUUID() declare request_id: string;
}

export class UpdateOrderStatusPayload {
  @IsString() @Length(1, 32) status!: string;
  @IsOptional() @IsString() @Length(1, 32) previous_status?: string;
}

export class UpdateOrderStatusMessage {
  @Equals(DiscordQueueMessageType.UPDATE_ORDER_STATUS) type!: DiscordQueueMessageType.UPDATE_ORDER_STATUS;
  @ValidateNested() @Type(() => UpdateOrderStatusPayload) payload!: UpdateOrderStatusPayload;
  @ValidateNested() @Type(() => RequestMetadata) metadata!: RequestMetadata;
}

export class AssignUserPayload {
  @IsString() @Length(1, 64) assigned_id!: string;
  @IsSnowflake() assigned_discord_id!: string;
}

export class AssignUserMessage {
  @Equals(DiscordQueueMessageType.ASSIGN_USER) type!: DiscordQueueMessageType.ASSIGN_USER;
  @ValidateNested() @Type(() => AssignUserPayload) payload!: AssignUserPayload;
  @ValidateNested() @Type(() => RequestMetadata) metadata!: RequestMetadata;
}

export class ForwardChatMessagePayload {
  @IsUUID() chat_message_id!: string;
  @IsString() @Length(1, 80) author_name!: string;
  @IsString() @Length(1, MAX_DISCORD_MESSAGE_LENGTH - 100) content!: string;
}

export class ForwardChatMessageMessage {
  @Equals(DiscordQueueMessageType.FORWARD_CHAT_MESSAGE) type!: DiscordQueueMessageType.FORWARD_CHAT_MESSAGE;
  @ValidateNested() @Type(() => ForwardChatMessagePayload) payload!: ForwardChatMessagePayload;
  @ValidateNested() @Type(() => RequestMetadata) metadata!: RequestMetadata;
}

export type DiscordQueueMessage =
  CreateThreadMessage | UpdateOrderStatusMessage | AssignUserMessage | ForwardChatMessageMessage;

/** The class that validates each message type: decoding is exhaustive by construction. */
export const DISCORD_QUEUE_MESSAGE_CLASSES = {
  [DiscordQueueMessageType.CREATE_THREAD]: CreateThreadMessage,
  [DiscordQueueMessageType.UPDATE_ORDER_STATUS]: UpdateOrderStatusMessage,
  [DiscordQueueMessageType.ASSIGN_USER]: AssignUserMessage,
  [DiscordQueueMessageType.FORWARD_CHAT_MESSAGE]: ForwardChatMessageMessage,
} as const;

/** DISCORD_QUEUE_URL: one order's (or offer session's) messages leave the outbox in the order they were made. */
export const DISCORD_QUEUE: OutboxQueueContract<DiscordQueueMessage> = {
  queue: QueueName.DISCORD,
  discriminator: 'type',
  classes: DISCORD_QUEUE_MESSAGE_CLASSES,
  what: 'message type',
  orderingKey: (message) => `${message.metadata.entity_type}:${message.metadata.order_id}`,
};

// ---- Responses (BACKEND_QUEUE_URL) ----------------------------------------------------------

export class ResponseMetadata {
  /** The Discord message the bot posted for this request (the welcome message for a thread), if any. */
  @IsOptional() @IsSnowflake() discord_message_id!: string | null;
  @IsISO8601() created_at!: string;
  @IsUUID() original_order_id!: string;
  /** Not in the spec's response: optional, the backend finds the entity by `original_order_id`. */
  @IsOptional() @IsIn(THREAD_ENTITY_TYPES) entity_type?: ThreadEntityType;
  /** Not in the spec's response: optional, implied by the response type (or the request id). */
  @IsOptional() @IsIn(Object.values(DiscordQueueMessageType)) request_type?: DiscordQueueMessageType;
  @IsOptional() @IsUUID() request_id?: string;
}

/** A member the bot could not add to the thread, and why. */
export class MemberFailure {
  @IsSnowflake() discord_id!: string;
  @IsString() @Length(1, 64) error_class!: string;
  @IsString() @Length(0, 1024) reason!: string;
}

/** One response payload shape for every type; which fields are set depends on the type. */
export class BackendResponsePayload {
  /** false only on `error`; a partial success (thread exists, a member failed) is true with failures listed. */
  @IsBoolean() success!: boolean;
  @IsOptional() @IsSnowflake() thread_id?: string | null;
  @IsOptional() @IsString() @Length(1, 32) invite_code?: string | null;
  @IsOptional() @IsString() @Length(1, 1024) invite_error?: string;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => MemberFailure) member_failures?: MemberFailure[];
  @IsOptional() @IsString() @Length(1, 32) status?: string;
  @IsOptional() @IsSnowflake() discord_id?: string;
  @IsOptional() @IsUUID() chat_message_id?: string;
  @IsOptional() @IsString() @Length(1, 128) error_class?: string;
  @IsOptional() @IsString() @Length(0, 1024) error_message?: string;
  @IsOptional() @IsInt() discord_code?: number;
}

abstract class BackendResponseBase {
  abstract type: BackendResponseType;
  @ValidateNested() @Type(() => BackendResponsePayload) payload!: BackendResponsePayload;
  @ValidateNested() @Type(() => ResponseMetadata) metadata!: ResponseMetadata;
}

export class ThreadCreatedResponse extends BackendResponseBase {
  @Equals(BackendResponseType.THREAD_CREATED) type!: BackendResponseType.THREAD_CREATED;
}

export class OrderStatusUpdatedResponse extends BackendResponseBase {
  @Equals(BackendResponseType.ORDER_STATUS_UPDATED) type!: BackendResponseType.ORDER_STATUS_UPDATED;
}

export class UserAssignedResponse extends BackendResponseBase {
  @Equals(BackendResponseType.USER_ASSIGNED) type!: BackendResponseType.USER_ASSIGNED;
}

export class ChatMessageForwardedResponse extends BackendResponseBase {
  @Equals(BackendResponseType.CHAT_MESSAGE_FORWARDED) type!: BackendResponseType.CHAT_MESSAGE_FORWARDED;
}

export class ErrorResponse extends BackendResponseBase {
  @Equals(BackendResponseType.ERROR) type!: BackendResponseType.ERROR;
}

export type BackendResponseMessage =
  | ThreadCreatedResponse
  | OrderStatusUpdatedResponse
  | UserAssignedResponse
  | ChatMessageForwardedResponse
  | ErrorResponse;

/** The class that validates each response type. */
export const BACKEND_RESPONSE_CLASSES = {
  [BackendResponseType.THREAD_CREATED]: ThreadCreatedResponse,
  [BackendResponseType.ORDER_STATUS_UPDATED]: OrderStatusUpdatedResponse,
  [BackendResponseType.USER_ASSIGNED]: UserAssignedResponse,
  [BackendResponseType.CHAT_MESSAGE_FORWARDED]: ChatMessageForwardedResponse,
  [BackendResponseType.ERROR]: ErrorResponse,
} as const;

/** BACKEND_QUEUE_URL: the worker's answers, sent directly (not through an outbox). */
export const BACKEND_QUEUE: QueueContract<BackendResponseMessage> = {
  queue: QueueName.BACKEND,
  discriminator: 'type',
  classes: BACKEND_RESPONSE_CLASSES,
  what: 'response type',
};
