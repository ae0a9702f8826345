import { Injectable } from '@nestjs/common';
import type { ItemType } from '@prisma/client';
import type { PrismaTx } from '@app/prisma';
import { lockDiscordAccount } from './discord-account.lock';

export interface ItemGrant {
  communityId: string;
  itemType: ItemType;
  discordUserId: string;
  quantity: number;
}

export type GrantResult = { kind: 'claimed'; userId: string } | { kind: 'pending'; pendingOwnershipId: string };

@Injectable()
export class ItemsService {
  /**
   * Grants items to a Discord account: straight into the linked user's holdings, or as pending
   * ownership that becomes real when the account is linked. Runs inside the caller's transaction.
   */
  async grantItem(tx: PrismaTx, grant: ItemGrant): Promise<GrantResult> {
    await lockDiscordAccount(tx, grant.discordUserId);
    const user = await tx.user.findUnique({ where: { discordUserId: grant.discordUserId }, select: { id: true } });
    if (user) {
      await this.addHoldings(tx, user.id, grant.itemType, grant.quantity);
      return { kind: 'claimed', userId: user.id };
    }
    const pending = await tx.pendingOwnership.create({
      data: {
        discordUserId: grant.discordUserId,
        communityId: grant.communityId,
        itemTypeId: grant.itemType.id,
        quantity: grant.quantity,
      },
      select: { id: true },
    });
    return { kind: 'pending', pendingOwnershipId: pending.id };
  }

  /** Stackable items add to one holding per user and type; others get one holding per unit. */
  async addHoldings(tx: PrismaTx, userId: string, itemType: Pick<ItemType, 'id' | 'stackable'>, quantity: number): Promise<void> {
    if (itemType.stackable) {
      const stackKey = `${userId}:${itemType.id}`;
      await tx.itemHolding.upsert({
        where: { stackKey },
        create: { userId, itemTypeId: itemType.id, quantity, stackKey },
        update: { quantity: { increment: quantity } },
      });
      return;
    }
    await tx.itemHolding.createMany({
      data: Array.from({ length: quantity }, () => ({ userId, itemTypeId: itemType.id, quantity: 1 })),
    });
  }
}
