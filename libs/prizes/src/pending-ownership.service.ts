import { Injectable } from '@nestjs/common';
import type { Character, PendingOwnership } from '@prisma/client';
import type { PrismaTx } from '@app/prisma';
import { lockDiscordAccounts } from './discord-account.lock';
import { CharacterAlreadyOwnedError } from './prize.errors';
import { GrantResult, ItemsService } from './items.service';

/** Pending rows claimed per round of queries. */
const CLAIM_CHUNK = 500;

@Injectable()
export class PendingOwnershipService {
  constructor(private readonly items: ItemsService) {}

  /**
   * Transfers an orphaned character to a Discord account: to the linked user at once, or as a
   * pending ownership. The owner check is a conditional update, so two awards racing for one
   * character cannot both win; a partial unique index (one unclaimed promise per character) does
   * the same for unlinked accounts.
   */
  async createForCharacter(tx: PrismaTx, character: Character, discordUserId: string): Promise<GrantResult> {
    if (character.ownerId) throw new CharacterAlreadyOwnedError(character.id);
    const promised = await tx.pendingOwnership.findFirst({ where: { characterId: character.id, claimedAt: null }, select: { id: true } });
    if (promised) throw new CharacterAlreadyOwnedError(character.id);

    await lockDiscordAccounts(tx, [discordUserId]);
    const user = await tx.user.findUnique({ where: { discordUserId }, select: { id: true } });
    if (user) {
      const { count } = await tx.character.updateMany({ where: { id: character.id, ownerId: null }, data: { ownerId: user.id } });
      if (count === 0) throw new CharacterAlreadyOwnedError(character.id);
      return { kind: 'claimed', userId: user.id };
    }
    await tx.pendingOwnership.create({ data: { discordUserId, communityId: character.communityId, characterId: character.id } });
    return { kind: 'pending' };
  }

  /**
   * Makes every unclaimed pending ownership of a Discord account real for `userId`, stacking
   * items as grants do. Runs inside the caller's transaction (the account link).
   */
  async claimAll(tx: PrismaTx, userId: string, discordUserId: string): Promise<{ items: number; characters: number }> {
    const claimed = { items: 0, characters: 0 };
    // In bounded chunks: an account may have collected thousands of awards while unlinked.
    for (;;) {
      const pending = await tx.pendingOwnership.findMany({
        where: { discordUserId, claimedAt: null },
        include: { itemType: { select: { id: true, stackable: true } } },
        orderBy: { createdAt: 'asc' },
        take: CLAIM_CHUNK,
      });
      const chunk = await this.claim(tx, userId, pending);
      claimed.items += chunk.items;
      claimed.characters += chunk.characters;
      if (pending.length < CLAIM_CHUNK) return claimed;
    }
  }

  private async claim(
    tx: PrismaTx,
    userId: string,
    pending: (PendingOwnership & { itemType: { id: string; stackable: boolean } | null })[],
  ): Promise<{ items: number; characters: number }> {
    const holdings = pending.flatMap((p) => (p.itemType && p.quantity ? [{ userId, itemType: p.itemType, quantity: p.quantity }] : []));
    const characterIds = pending.flatMap((p) => (p.characterId ? [p.characterId] : []));
    await this.items.addHoldings(tx, holdings);
    // Pending ownership reserved these characters, so they are still orphaned here.
    if (characterIds.length > 0) await tx.character.updateMany({ where: { id: { in: characterIds }, ownerId: null }, data: { ownerId: userId } });
    const items = holdings.reduce((sum, h) => sum + h.quantity, 0);
    const characters = characterIds.length;
    if (pending.length > 0) {
      await tx.pendingOwnership.updateMany({
        where: { id: { in: pending.map((p) => p.id) } },
        data: { claimedAt: new Date(), claimedByUserId: userId },
      });
    }
    return { items, characters };
  }
}
