import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import { IsSnowflake } from './discord-ids';

export enum PrizeEventType {
  ITEM_AWARDED = 'ITEM_AWARDED',
  CHARACTER_AWARDED = 'CHARACTER_AWARDED',
}

/** Upper bound on one award: anything larger is an absurd value, not a prize. */
export const MAX_PRIZE_QUANTITY = 10_000;

/**
 * A prize event as the Discord bot sends it (spec: prize-distribution-consumer.md, "Message Format").
 * `eventId` is optional: when the bot sets it, a resent event is recognised as a duplicate;
 * without it, the SQS message id is the idempotency key (covers redelivery, not a resend).
 */
export class PrizeEventDto {
  @IsIn(Object.values(PrizeEventType), { message: 'eventType must be one of ITEM_AWARDED, CHARACTER_AWARDED' })
  eventType!: PrizeEventType;

  @IsString()
  @IsSnowflake()
  discordGuildId!: string;

  @IsString()
  @IsSnowflake()
  discordUserId!: string;

  @ValidateIf((event: PrizeEventDto) => event.eventType === PrizeEventType.ITEM_AWARDED)
  @IsString({ message: 'itemTypeId is required for ITEM_AWARDED' })
  @Length(1, 64)
  itemTypeId?: string;

  @ValidateIf((event: PrizeEventDto) => event.eventType === PrizeEventType.ITEM_AWARDED)
  @IsInt({ message: 'quantity must be a positive integer' })
  @Min(1, { message: 'quantity must be a positive integer' })
  @Max(MAX_PRIZE_QUANTITY, { message: `quantity must not exceed ${MAX_PRIZE_QUANTITY}` })
  quantity?: number = 1; // the spec's default; kept when the message omits it

  @ValidateIf((event: PrizeEventDto) => event.eventType === PrizeEventType.CHARACTER_AWARDED)
  @IsString({ message: 'characterId is required for CHARACTER_AWARDED' })
  @Length(1, 64)
  characterId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  eventId?: string;
}

export type ItemAwardedEvent = PrizeEventDto & { eventType: PrizeEventType.ITEM_AWARDED; itemTypeId: string; quantity: number };
export type CharacterAwardedEvent = PrizeEventDto & { eventType: PrizeEventType.CHARACTER_AWARDED; characterId: string };
