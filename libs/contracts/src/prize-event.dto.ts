import { Equals, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsSnowflake } from './discord-ids';

export enum PrizeEventType {
  ITEM_AWARDED = 'ITEM_AWARDED',
  CHARACTER_AWARDED = 'CHARACTER_AWARDED',
}

/** Upper bound on one award: anything larger is an absurd value, not a prize. */
export const MAX_PRIZE_QUANTITY = 10_000;

/**
 * A prize event as the Discord bot sends it (spec: prize-distribution-consumer.md, "Message
 * Format"), one class per `eventType`. `eventId` is optional: when the bot sets it, a resent event
 * is recognised as a duplicate; without it, the SQS message id is the idempotency key (covers
 * redelivery, not a resend).
 */
abstract class PrizeEventBase {
  abstract eventType: PrizeEventType;

  @IsSnowflake()
  discordGuildId!: string;

  @IsSnowflake()
  discordUserId!: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  eventId?: string;
}

export class ItemAwardedDto extends PrizeEventBase {
  @Equals(PrizeEventType.ITEM_AWARDED) eventType!: PrizeEventType.ITEM_AWARDED;

  @IsString({ message: 'itemTypeId is required for ITEM_AWARDED' })
  @Length(1, 64)
  itemTypeId!: string;

  @IsInt({ message: 'quantity must be a positive integer' })
  @Min(1, { message: 'quantity must be a positive integer' })
  @Max(MAX_PRIZE_QUANTITY, { message: `quantity must not exceed ${MAX_PRIZE_QUANTITY}` })
  quantity: number = 1; // the spec's default; kept when the message omits it
}

export class CharacterAwardedDto extends PrizeEventBase {
  @Equals(PrizeEventType.CHARACTER_AWARDED) eventType!: PrizeEventType.CHARACTER_AWARDED;

  @IsString({ message: 'characterId is required for CHARACTER_AWARDED' })
  @Length(1, 64)
  characterId!: string;
}

/** The spec's PrizeEventDto: either event, told apart by `eventType`. */
export type PrizeEventDto = ItemAwardedDto | CharacterAwardedDto;

/** The class that validates each event type: decoding is exhaustive by construction. */
export const PRIZE_EVENT_CLASSES = {
  [PrizeEventType.ITEM_AWARDED]: ItemAwardedDto,
  [PrizeEventType.CHARACTER_AWARDED]: CharacterAwardedDto,
} as const;
