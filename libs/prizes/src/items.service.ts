import { Injectable } from '@nestjs/common';
import type { ItemType } from '@prisma/client';
import type { PrismaTx } from '@app/prisma';
import { lockDiscordAccounts } from './discord-account.lock';

export interface ItemGrant {
  communityId: string;
  itemType: Pick<ItemType, 'id' | 'stackable'>;
  discordUserId: string;
  quantity: number;
}

export interface Holding {
  userId: string;
  itemType: Pick<ItemType, 'id' | 'stackable'>;
  quantity: number;
}

export type GrantResult = { kind: 'claimed'; userId: string } | { kind: 'pending' };

@Injectable()
export class ItemsService {
  /**
   * The spec's grantItem(), for a batch of grants. Grants items to Discord accounts: straight into the linked user's holdings, or as pending
   * ownership that becomes real when the account is linked. Set-based, so a batch of grants
   * costs a handful of queries. Runs inside the caller's transaction.
   */
  async grantItems(tx: PrismaTx, grants: ItemGrant[]): Promise<GrantResult[]> {
    if (grants.length === 0) return [];
    const discordUserIds = [...new Set(grants.map((g) => g.discordUserId))];
    // Re-entrant: a no-op where the caller (PrizeEventRoute) already holds these locks.
    await lockDiscordAccounts(tx, discordUserIds);
    const users = await tx.user.findMany({ where: { discordUserId: { in: discordUserIds } }, select: { id: true, discordUserId: true } });
    const userByDiscordId = new Map(users.map((u) => [u.discordUserId!, u.id]));

    const holdings: Holding[] = [];
    const pending: ItemGrant[] = [];
    const results = grants.map((grant): GrantResult => {
      const userId = userByDiscordId.get(grant.discordUserId);
      if (!userId) {
        pending.push(grant);
        return { kind: 'pending' };
      }
      holdings.push({ userId, itemType: grant.itemType, quantity: grant.quantity });
      return { kind: 'claimed', userId };
    });
    await this.addHoldings(tx, holdings);
    if (pending.length > 0) {
      await tx.pendingOwnership.createMany({
        data: pending.map((g) => ({ discordUserId: g.discordUserId, communityId: g.communityId, itemTypeId: g.itemType.id, quantity: g.quantity })),
      });
    }
    return results;
  }

  /** Stackable items add to one holding per user and type; others get one holding per unit. */
  async addHoldings(tx: PrismaTx, holdings: Holding[]): Promise<void> {
    const stacks = new Map<string, Holding>();
    const units: { userId: string; itemTypeId: string; quantity: number }[] = [];
    for (const h of holdings) {
      if (!h.itemType.stackable) {
        for (let i = 0; i < h.quantity; i++) units.push({ userId: h.userId, itemTypeId: h.itemType.id, quantity: 1 });
        continue;
      }
      const key = `${h.userId}:${h.itemType.id}`;
      const stack = stacks.get(key);
      stacks.set(key, { ...h, quantity: (stack?.quantity ?? 0) + h.quantity });
    }
    if (stacks.size > 0) {
      const rows = [...stacks.entries()];
      // Upsert on the stack key; sorted so concurrent batches lock rows in the same order.
      rows.sort(([a], [b]) => (a < b ? -1 : 1));
      await tx.$executeRaw`
        INSERT INTO item_holdings (id, user_id, item_type_id, quantity, stack_key, updated_at)
        SELECT gen_random_uuid()::text, u, t, q, k, now()
        FROM unnest(${rows.map(([, h]) => h.userId)}::text[], ${rows.map(([, h]) => h.itemType.id)}::text[],
                    ${rows.map(([, h]) => h.quantity)}::int[], ${rows.map(([k]) => k)}::text[]) AS s(u, t, q, k)
        ON CONFLICT (stack_key) DO UPDATE SET quantity = item_holdings.quantity + EXCLUDED.quantity, updated_at = now()`;
    }
    if (units.length > 0) await tx.itemHolding.createMany({ data: units });
  }
}
