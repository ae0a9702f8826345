import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { PRIZE_EVENT_CLASSES, PrizeEventDto, PrizeEventType, QueueName } from '@discord-backbone/contracts';
import type { SqlTransaction } from '@discord-backbone/prisma';
import {
  BatchHandlersByType,
  BatchRoute,
  decodeByType,
  dispatchGroupsByType,
  originalMessageId,
  Rejections,
} from '@discord-backbone/queue';
import { CharacterPrizeHandler } from './character-prize.handler';
import { lockDiscordAccounts } from './discord-account.lock';
import { ItemPrizeHandler } from './item-prize.handler';

/** How prize events are decoded, keyed for idempotency and routed by `eventType`. */
@Injectable()
export class PrizeEventRoute implements BatchRoute<PrizeEventDto> {
  readonly consumer = QueueName.PRIZE_DISTRIBUTION;
  // Exhaustive and typed by event type: an event type without its handler does not compile.
  private readonly handlers: BatchHandlersByType<PrizeEventDto, 'eventType', [SqlTransaction], Promise<Rejections>>;

  constructor(items: ItemPrizeHandler, characters: CharacterPrizeHandler) {
    this.handlers = {
      [PrizeEventType.ITEM_AWARDED]: (events, sql) => items.handleBatch(events, sql),
      [PrizeEventType.CHARACTER_AWARDED]: (events, sql) => characters.handleBatch(events, sql),
    };
  }

  decode(body: unknown): PrizeEventDto {
    return decodeByType(body, { discriminator: 'eventType', classes: PRIZE_EVENT_CLASSES, what: 'eventType' });
  }

  /**
   * `eventId` when the bot sets one (a resent event is then recognised too); otherwise the SQS
   * message id — the original one for a message replayed from the DLQ with its attributes.
   */
  idempotencyKey(event: PrizeEventDto, message: Message): string {
    return event.eventId
      ? `${this.consumer}:event:${event.eventId}`
      : `${this.consumer}:message:${originalMessageId(message)}`;
  }

  typeOf(event: PrizeEventDto): string {
    return event.eventType;
  }

  /** Groups the batch by event type, hands each group to its handler, maps rejections back. */
  async applyBatch(events: PrizeEventDto[], sql: SqlTransaction): Promise<Rejections> {
    // Every account lock of the batch first, in one sorted pass, before any row lock: concurrent
    // batches and account links then always lock in the same order and cannot deadlock.
    await lockDiscordAccounts(
      sql,
      events.map((e) => e.discordUserId),
    );
    const rejections: Rejections = new Map();
    for (const { indexes, result } of await dispatchGroupsByType(this.handlers, 'eventType', events, sql)) {
      for (const [local, error] of result) rejections.set(indexes[local], error);
    }
    return rejections;
  }
}
