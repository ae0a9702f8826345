import { Injectable } from '@nestjs/common';
import type { SqlTransaction } from '@discord-backbone/prisma';
import { lockDiscordAccounts } from './discord-account.lock';
import { GrantResult, Holding, ItemsService } from './items.service';
import { CharacterAlreadyOwnedError } from './prize.errors';
import { PrizeTables } from './prize.tables';

/** Pending rows claimed per round of statements. */
const CLAIM_CHUNK = 500;

/** A character as an award needs it, read with a row lock. */
export interface AwardableCharacter {
  id: string;
  communityId: string;
  ownerId: string | null;
}

interface PendingRow {
  id: string;
  item_type_id: string | null;
  stackable: boolean | null;
  quantity: number | null;
  character_id: string | null;
}

@Injectable()
export class PendingOwnershipService {
  constructor(
    private readonly items: ItemsService,
    private readonly tables: PrizeTables,
  ) {}

  /**
   * Transfers an orphaned character to a Discord account: to the linked user at once, or as a
   * pending ownership. The owner check is a conditional update, so two awards racing for one
   * character cannot both win; a partial unique index (one unclaimed promise per character) does
   * the same for unlinked accounts.
   */
  async createForCharacter(
    sql: SqlTransaction,
    character: AwardableCharacter,
    discordUserId: string,
  ): Promise<GrantResult> {
    if (character.ownerId) throw new CharacterAlreadyOwnedError(character.id);
    const [promised] = await sql.query(
      'SELECT 1 FROM pending_ownerships WHERE character_id = $1 AND claimed_at IS NULL LIMIT 1',
      [character.id],
    );
    if (promised) throw new CharacterAlreadyOwnedError(character.id);

    await lockDiscordAccounts(sql, [discordUserId]);
    const [user] = await sql.query<{ id: string }>(`SELECT id FROM ${this.tables.users} WHERE discord_user_id = $1`, [
      discordUserId,
    ]);
    if (user) {
      const claimed = await sql.execute(
        `UPDATE ${this.tables.characters} SET owner_id = $1 WHERE id = $2 AND owner_id IS NULL`,
        [user.id, character.id],
      );
      if (claimed === 0) throw new CharacterAlreadyOwnedError(character.id);
      return { kind: 'claimed', userId: user.id };
    }
    await sql.execute(
      'INSERT INTO pending_ownerships (id, discord_user_id, community_id, character_id) VALUES (gen_random_uuid()::text, $1, $2, $3)',
      [discordUserId, character.communityId, character.id],
    );
    return { kind: 'pending' };
  }

  /**
   * Makes every unclaimed pending ownership of a Discord account real for `userId`, stacking
   * items as grants do. Runs inside the caller's transaction (the account link).
   */
  async claimAll(
    sql: SqlTransaction,
    userId: string,
    discordUserId: string,
  ): Promise<{ items: number; characters: number }> {
    const claimed = { items: 0, characters: 0 };
    // In bounded chunks: an account may have collected thousands of awards while unlinked.
    for (;;) {
      const pending = await sql.query<PendingRow>(
        `SELECT p.id, p.item_type_id, t.stackable, p.quantity, p.character_id
         FROM pending_ownerships p LEFT JOIN ${this.tables.itemTypes} t ON t.id = p.item_type_id
         WHERE p.discord_user_id = $1 AND p.claimed_at IS NULL
         ORDER BY p.created_at, p.id LIMIT ${CLAIM_CHUNK}`,
        [discordUserId],
      );
      const chunk = await this.claim(sql, userId, pending);
      claimed.items += chunk.items;
      claimed.characters += chunk.characters;
      if (pending.length < CLAIM_CHUNK) return claimed;
    }
  }

  private async claim(
    sql: SqlTransaction,
    userId: string,
    pending: PendingRow[],
  ): Promise<{ items: number; characters: number }> {
    const holdings: Holding[] = pending.flatMap((p) =>
      p.item_type_id && p.quantity
        ? [{ userId, itemType: { id: p.item_type_id, stackable: p.stackable === true }, quantity: p.quantity }]
        : [],
    );
    const characterIds = pending.flatMap((p) => (p.character_id ? [p.character_id] : []));
    await this.items.addHoldings(sql, holdings);
    // Pending ownership reserved these characters, so they are still orphaned here.
    if (characterIds.length > 0)
      await sql.execute(
        `UPDATE ${this.tables.characters} SET owner_id = $1 WHERE id = ANY($2::text[]) AND owner_id IS NULL`,
        [userId, characterIds],
      );
    if (pending.length > 0) {
      await sql.execute(
        'UPDATE pending_ownerships SET claimed_at = now(), claimed_by_user_id = $1 WHERE id = ANY($2::text[])',
        [userId, pending.map((p) => p.id)],
      );
    }
    return { items: holdings.reduce((sum, h) => sum + h.quantity, 0), characters: characterIds.length };
  }
}
