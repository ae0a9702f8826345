import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import type { PrismaTx } from '@app/prisma';
import { CharacterAwardedEvent, ItemAwardedEvent, PrizeEventDto, PrizeEventType, QueueName } from '@app/contracts';
import { decodePayload, MessageRoute, UnknownMessageTypeError } from '@app/queue';
import { CharacterPrizeHandler } from './character-prize.handler';
import { ItemPrizeHandler } from './item-prize.handler';

/** How prize events are decoded, keyed for idempotency and routed by `eventType`. */
@Injectable()
export class PrizeEventRoute implements MessageRoute<PrizeEventDto> {
  readonly consumer = QueueName.PRIZE_DISTRIBUTION;
  // Exhaustive by type: adding an event type without a handler does not compile.
  private readonly handlers: { [T in PrizeEventType]: (event: PrizeEventDto, tx: PrismaTx) => Promise<void> };

  constructor(items: ItemPrizeHandler, characters: CharacterPrizeHandler) {
    this.handlers = {
      [PrizeEventType.ITEM_AWARDED]: (event, tx) => items.handle(event as ItemAwardedEvent, tx),
      [PrizeEventType.CHARACTER_AWARDED]: (event, tx) => characters.handle(event as CharacterAwardedEvent, tx),
    };
  }

  decode(body: unknown): PrizeEventDto {
    const eventType = (body as { eventType?: unknown } | null)?.eventType;
    if (typeof eventType === 'string' && !(eventType in this.handlers)) {
      throw new UnknownMessageTypeError(`Unknown eventType "${eventType.slice(0, 64)}"`);
    }
    return decodePayload(PrizeEventDto, body);
  }

  idempotencyKey(event: PrizeEventDto, message: Message): string {
    return event.eventId ? `${this.consumer}:event:${event.eventId}` : `${this.consumer}:message:${message.MessageId}`;
  }

  typeOf(event: PrizeEventDto): string {
    return event.eventType;
  }

  apply(event: PrizeEventDto, tx: PrismaTx): Promise<void> {
    return this.handlers[event.eventType](event, tx);
  }
}
