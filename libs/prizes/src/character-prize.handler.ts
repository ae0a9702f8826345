import { Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { PrismaTx } from '@app/prisma';
import type { CharacterAwardedEvent } from '@app/contracts';
import { findCommunityByGuild } from './community.lookup';
import { PendingOwnershipService } from './pending-ownership.service';
import { PrizeHandler } from './prize.handler';
import { CharacterCommunityMismatchError, CharacterNotFoundError } from './prize.errors';

const tracer = trace.getTracer('prizes');

/** CHARACTER_AWARDED: character must exist, belong to the guild's community and be orphaned. */
@Injectable()
export class CharacterPrizeHandler implements PrizeHandler {
  constructor(private readonly pendingOwnership: PendingOwnershipService) {}

  handle(event: CharacterAwardedEvent, tx: PrismaTx): Promise<void> {
    return tracer.startActiveSpan('handle_character_prize', async (span) => {
      try {
        span.setAttributes({ 'prize.character_id': event.characterId, 'discord.guild_id': event.discordGuildId });
        const community = await findCommunityByGuild(tx, event.discordGuildId);
        // Row lock: a concurrent award of the same character waits and then sees the owner.
        const [character] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM characters WHERE id = ${event.characterId} FOR UPDATE`;
        if (!character) throw new CharacterNotFoundError(event.characterId);
        const locked = await tx.character.findUniqueOrThrow({ where: { id: character.id } });
        if (locked.communityId !== community.id) throw new CharacterCommunityMismatchError(locked.id, event.discordGuildId);
        const result = await this.pendingOwnership.createForCharacter(tx, locked, event.discordUserId);
        span.setAttribute('prize.result', result.kind);
      } finally {
        span.end();
      }
    });
  }
}
