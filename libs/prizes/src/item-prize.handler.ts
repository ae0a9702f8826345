import { Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { ItemAwardedDto } from '@discord-backbone/contracts';
import type { SqlTransaction } from '@discord-backbone/prisma';
import type { Rejections } from '@discord-backbone/queue';
import { withSpan } from '@discord-backbone/telemetry';
import { findCommunitiesByGuild } from './community.lookup';
import { ItemGrant, ItemsService } from './items.service';
import { CommunityNotFoundError, ItemTypeNotFoundError } from './prize.errors';
import { PrizeHandler } from './prize.handler';
import { PrizeTables } from './prize.tables';

const tracer = trace.getTracer('prizes');

/** ITEM_AWARDED: community by guild → item type in that community → ItemsService.grantItems(). */
@Injectable()
export class ItemPrizeHandler implements PrizeHandler<ItemAwardedDto> {
  constructor(
    private readonly items: ItemsService,
    private readonly tables: PrizeTables,
  ) {}

  handleBatch(events: ItemAwardedDto[], sql: SqlTransaction): Promise<Rejections> {
    return withSpan(
      tracer,
      'handle_item_prize',
      { attributes: { 'prize.event_count': events.length } },
      async (span) => {
        const communities = await findCommunitiesByGuild(
          sql,
          this.tables,
          events.map((e) => e.discordGuildId),
        );
        const itemTypes = await sql.query<{ id: string; communityId: string; stackable: boolean }>(
          `SELECT id, community_id AS "communityId", stackable FROM ${this.tables.itemTypes} WHERE id = ANY($1::text[])`,
          [[...new Set(events.map((e) => e.itemTypeId))]],
        );
        const itemTypeById = new Map(itemTypes.map((t) => [t.id, t]));

        const rejections: Rejections = new Map();
        const grants: ItemGrant[] = [];
        events.forEach((event, index) => {
          const communityId = communities.get(event.discordGuildId);
          const itemType = itemTypeById.get(event.itemTypeId);
          if (!communityId) rejections.set(index, new CommunityNotFoundError(event.discordGuildId));
          else if (!itemType || itemType.communityId !== communityId)
            rejections.set(index, new ItemTypeNotFoundError(event.itemTypeId, communityId));
          else grants.push({ communityId, itemType, discordUserId: event.discordUserId, quantity: event.quantity });
        });
        const results = await this.items.grantItems(sql, grants);
        span.setAttributes({
          'prize.claimed': results.filter((r) => r.kind === 'claimed').length,
          'prize.pending': results.filter((r) => r.kind === 'pending').length,
          'prize.rejected': rejections.size,
        });
        return rejections;
      },
    );
  }
}
