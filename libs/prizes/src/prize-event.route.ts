import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import type { PrismaTx } from '@app/prisma';
import { CharacterAwardedEvent, ItemAwardedEvent, PrizeEventDto, PrizeEventType, QueueName } from '@app/contracts';
import { decodePayload, MessageRoute, originalMessageId, Rejections, UnknownMessageTypeError } from '@app/queue';
import { CharacterPrizeHandler } from './character-prize.handler';
import { lockDiscordAccounts } from './discord-account.lock';
import { ItemPrizeHandler } from './item-prize.handler';

/** How prize events are decoded, keyed for idempotency and routed by `eventType`. */
@Injectable()
export class PrizeEventRoute implements MessageRoute<PrizeEventDto> {
  readonly consumer = QueueName.PRIZE_DISTRIBUTION;
  // Exhaustive by type: adding an event type without a handler does not compile.
  private readonly handlers: { [T in PrizeEventType]: (events: PrizeEventDto[], tx: PrismaTx) => Promise<Rejections> };

  constructor(items: ItemPrizeHandler, characters: CharacterPrizeHandler) {
    this.handlers = {
      [PrizeEventType.ITEM_AWARDED]: (events, tx) => items.handleBatch(events as ItemAwardedEvent[], tx),
      [PrizeEventType.CHARACTER_AWARDED]: (events, tx) => characters.handleBatch(events as CharacterAwardedEvent[], tx),
    };
  }

  decode(body: unknown): PrizeEventDto {
    const eventType = (body as { eventType?: unknown } | null)?.eventType;
    if (typeof eventType === 'string' && !(eventType in this.handlers)) {
      throw new UnknownMessageTypeError(`Unknown eventType "${eventType.slice(0, 64)}"`);
    }
    return decodePayload(PrizeEventDto, body);
  }

  /**
   * `eventId` when the bot sets one (a resent event is then recognised too); otherwise the SQS
   * message id — the original one for a message replayed from the DLQ with its attributes.
   */
  idempotencyKey(event: PrizeEventDto, message: Message): string {
    return event.eventId ? `${this.consumer}:event:${event.eventId}` : `${this.consumer}:message:${originalMessageId(message)}`;
  }

  typeOf(event: PrizeEventDto): string {
    return event.eventType;
  }

  /** Groups the batch by event type, hands each group to its handler, maps rejections back. */
  async applyBatch(events: PrizeEventDto[], tx: PrismaTx): Promise<Rejections> {
    // Every account lock of the batch first, in one sorted pass, before any row lock: concurrent
    // batches and account links then always lock in the same order and cannot deadlock.
    await lockDiscordAccounts(tx, events.map((e) => e.discordUserId));
    const rejections: Rejections = new Map();
    for (const type of Object.values(PrizeEventType)) {
      const indexes = events.flatMap((e, i) => (e.eventType === type ? [i] : []));
      if (indexes.length === 0) continue;
      const rejected = await this.handlers[type](indexes.map((i) => events[i]), tx);
      for (const [local, error] of rejected) rejections.set(indexes[local], error);
    }
    return rejections;
  }
}
