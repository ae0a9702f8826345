import { Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { CharacterAwardedDto } from '@discord-backbone/contracts';
import type { SqlTransaction } from '@discord-backbone/prisma';
import { PermanentError, Rejections } from '@discord-backbone/queue';
import { withSpan } from '@discord-backbone/telemetry';
import { findCommunitiesByGuild } from './community.lookup';
import { AwardableCharacter, PendingOwnershipService } from './pending-ownership.service';
import { CharacterCommunityMismatchError, CharacterNotFoundError, CommunityNotFoundError } from './prize.errors';
import { PrizeHandler } from './prize.handler';
import { PrizeTables } from './prize.tables';

const tracer = trace.getTracer('prizes');

/** CHARACTER_AWARDED: character must exist, belong to the guild's community and be orphaned. */
@Injectable()
export class CharacterPrizeHandler implements PrizeHandler<CharacterAwardedDto> {
  constructor(
    private readonly pendingOwnership: PendingOwnershipService,
    private readonly tables: PrizeTables,
  ) {}

  handleBatch(events: CharacterAwardedDto[], sql: SqlTransaction): Promise<Rejections> {
    return withSpan(
      tracer,
      'handle_character_prize',
      { attributes: { 'prize.event_count': events.length } },
      async () => {
        const communities = await findCommunitiesByGuild(
          sql,
          this.tables,
          events.map((e) => e.discordGuildId),
        );
        const rejections: Rejections = new Map();
        // One at a time: two awards of the same character in a batch must see each other.
        for (const [index, event] of events.entries()) {
          try {
            await this.award(event, communities.get(event.discordGuildId), sql);
          } catch (error) {
            if (!(error instanceof PermanentError)) throw error;
            rejections.set(index, error);
          }
        }
        return rejections;
      },
    );
  }

  private async award(event: CharacterAwardedDto, communityId: string | undefined, sql: SqlTransaction): Promise<void> {
    if (!communityId) throw new CommunityNotFoundError(event.discordGuildId);
    // Row lock: a concurrent award of the same character waits and then sees the owner.
    const [character] = await sql.query<AwardableCharacter>(
      `SELECT id, community_id AS "communityId", owner_id AS "ownerId" FROM ${this.tables.characters} WHERE id = $1 FOR UPDATE`,
      [event.characterId],
    );
    if (!character) throw new CharacterNotFoundError(event.characterId);
    if (character.communityId !== communityId)
      throw new CharacterCommunityMismatchError(character.id, event.discordGuildId);
    await this.pendingOwnership.createForCharacter(sql, character, event.discordUserId);
  }
}
