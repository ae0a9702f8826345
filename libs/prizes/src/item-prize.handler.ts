import { Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { PrismaTx } from '@app/prisma';
import type { ItemAwardedEvent } from '@app/contracts';
import { findCommunityByGuild } from './community.lookup';
import { ItemsService } from './items.service';
import { PrizeHandler } from './prize.handler';
import { ItemTypeNotFoundError } from './prize.errors';

const tracer = trace.getTracer('prizes');

/** ITEM_AWARDED: community by guild → item type in that community → ItemsService.grantItem(). */
@Injectable()
export class ItemPrizeHandler implements PrizeHandler {
  constructor(private readonly items: ItemsService) {}

  handle(event: ItemAwardedEvent, tx: PrismaTx): Promise<void> {
    return tracer.startActiveSpan('handle_item_prize', async (span) => {
      try {
        span.setAttributes({ 'prize.item_type_id': event.itemTypeId, 'prize.quantity': event.quantity, 'discord.guild_id': event.discordGuildId });
        const community = await findCommunityByGuild(tx, event.discordGuildId);
        const itemType = await tx.itemType.findFirst({ where: { id: event.itemTypeId, communityId: community.id } });
        if (!itemType) throw new ItemTypeNotFoundError(event.itemTypeId, community.id);
        const result = await this.items.grantItem(tx, {
          communityId: community.id,
          itemType,
          discordUserId: event.discordUserId,
          quantity: event.quantity,
        });
        span.setAttribute('prize.result', result.kind);
      } finally {
        span.end();
      }
    });
  }
}
