import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SNOWFLAKE } from './discord-ids';

/**
 * The message relay's REST API (/v1, discord-relay-plan.md): request bodies, validated, and the
 * response shapes, shared by the API and its clients (the relay CLI).
 */

export const RELAY_MAX_LEASE = 100;
export const RELAY_MAX_WAIT_SECONDS = 20;
export const RELAY_MAX_VISIBILITY_SECONDS = 43_200;
const RECEIPTS_MAX = 500;
const snowflake = { message: '$property must be a Discord id (17–20 digits)' };

export class PendingQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(RELAY_MAX_LEASE)
  limit = 50;
}

export class LeaseRequestDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(RELAY_MAX_LEASE)
  limit = 10;

  /** How long the deliveries stay leased (invisible to other leases) unless acked, nacked or extended. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(RELAY_MAX_VISIBILITY_SECONDS)
  visibility_seconds = 30;

  /** Long poll: wait up to this long for a delivery when none is available now. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(RELAY_MAX_WAIT_SECONDS)
  wait_seconds = 0;
}

export class ReceiptsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(RECEIPTS_MAX)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  receipts!: string[];
}

export class NackRequestDto extends ReceiptsDto {
  /** Leasable again after this long (0: at once). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(RELAY_MAX_VISIBILITY_SECONDS)
  delay_seconds = 0;
}

export class ExtendRequestDto extends ReceiptsDto {
  /** The lease now ends this long from now. */
  @IsInt()
  @Min(1)
  @Max(RELAY_MAX_VISIBILITY_SECONDS)
  visibility_seconds!: number;
}

export class SendDestinationDto {
  @IsIn(['dm', 'channel'], { message: 'destination.type must be "dm" (with user_id) or "channel" (with channel_id)' })
  type!: 'dm' | 'channel';

  @ValidateIf((d: SendDestinationDto) => d.type === 'dm')
  @IsString()
  @Matches(SNOWFLAKE, snowflake)
  user_id?: string;

  @ValidateIf((d: SendDestinationDto) => d.type === 'channel')
  @IsString()
  @Matches(SNOWFLAKE, snowflake)
  channel_id?: string;
}

export class SendMessageRequestDto {
  @IsString()
  @MinLength(1)
  discord_bot_id!: string;

  @IsObject({ message: 'destination must be { "type": "dm", "user_id": … } or { "type": "channel", "channel_id": … }' })
  @ValidateNested()
  @Type(() => SendDestinationDto)
  destination!: SendDestinationDto;

  /** Discord's limit. */
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  content!: string;

  @IsOptional()
  @IsString()
  @Matches(SNOWFLAKE, snowflake)
  reply_to_discord_message_id?: string;
}

export class DeadQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 100;
}

/** Exactly one of the two (checked by the route): these dead deliveries, or explicitly all of them. */
export class RedriveRequestDto {
  /** The dead deliveries to queue again. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(RECEIPTS_MAX)
  @IsUUID('all', { each: true })
  delivery_ids?: string[];

  /** `true`: every dead delivery of the backend. */
  @IsOptional()
  @Equals(true, { message: 'all must be true (every dead delivery); to redrive some, give delivery_ids instead' })
  all?: true;
}

// --- Responses -----------------------------------------------------------------------------------

/** A relayed Discord message, as the plan's pending schema has it. */
export interface RelayedMessage {
  delivery_id: string;
  discord_bot_id: string;
  discord_message: {
    discord_message_id: string;
    timestamp: string;
    content: string;
    source: { is_dm: boolean; guild_id: string | null; channel_id: string; author_id: string; author_name: string };
  };
}

export interface PendingResponse {
  messages: RelayedMessage[];
}

/** A leased delivery: the message plus its lease and the ingest's trace context. */
export interface LeasedMessage extends RelayedMessage {
  receipt: string;
  /** 1 on the first lease; a redelivery has a higher count. */
  delivery_count: number;
  lease_expires_at: string;
  /** W3C trace context of the ingest, to continue the trace; null when it was not traced. */
  trace_context: { traceparent: string; tracestate: string | null } | null;
}

export interface LeaseResponse {
  messages: LeasedMessage[];
}

export type ReceiptOutcome = 'ok' | 'already_acked' | 'stale_receipt' | 'unknown';

/** ack / nack / extend: one result per receipt, in the request's order. HTTP 409 when any is stale_receipt. */
export interface ReceiptResults {
  results: { receipt: string; result: ReceiptOutcome }[];
}

export interface SendResponse {
  discord_message_id: string;
  channel_id: string;
}

export interface DeadMessage extends RelayedMessage {
  delivery_count: number;
  dead_at: string;
}

export interface DeadResponse {
  messages: DeadMessage[];
}

export interface RedriveResponse {
  redriven: number;
}

/** Every error of /v1: a stable code, a message for people, and the request id to quote. */
export interface RelayErrorBody {
  error:
    | 'invalid_request'
    | 'unauthorized'
    | 'forbidden'
    | 'not_found'
    | 'conflict'
    | 'unsupported_media_type'
    | 'rate_limited'
    | 'unavailable'
    | 'internal_error';
  message: string;
  request_id: string;
}
