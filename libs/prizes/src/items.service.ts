import { Injectable } from '@nestjs/common';
import type { SqlTransaction } from '@discord-backbone/prisma';
import { PrizeTables } from './prize.tables';

export interface ItemGrant {
  communityId: string;
  itemType: { id: string; stackable: boolean };
  discordUserId: string;
  quantity: number;
}

export interface Holding {
  userId: string;
  itemType: { id: string; stackable: boolean };
  quantity: number;
}

export type GrantResult = { kind: 'claimed'; userId: string } | { kind: 'pending' };

@Injectable()
export class ItemsService {
  constructor(private readonly tables: PrizeTables) {}

  /**
   * The spec's grantItem(), for a batch of grants. Grants items to Discord accounts: straight
   * into the linked user's holdings, or as pending ownership that becomes real when the account is
   * linked. Set-based, so a batch of grants costs a handful of statements. Runs inside the
   * caller's transaction, which must hold the grantees' account locks (lockDiscordAccounts): a
   * grant racing an account link is then either claimed by the link or sees it.
   */
  async grantItems(sql: SqlTransaction, grants: ItemGrant[]): Promise<GrantResult[]> {
    if (grants.length === 0) return [];
    const users = await sql.query<{ id: string; discord_user_id: string }>(
      `SELECT id, discord_user_id FROM ${this.tables.users} WHERE discord_user_id = ANY($1::text[])`,
      [[...new Set(grants.map((g) => g.discordUserId))]],
    );
    const userByDiscordId = new Map(users.map((u) => [u.discord_user_id, u.id]));

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
    await this.addHoldings(sql, holdings);
    if (pending.length > 0) {
      await sql.execute(
        `INSERT INTO pending_ownerships (id, discord_user_id, community_id, item_type_id, quantity)
         SELECT gen_random_uuid()::text, d, c, t, q FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS p(d, c, t, q)`,
        [
          pending.map((g) => g.discordUserId),
          pending.map((g) => g.communityId),
          pending.map((g) => g.itemType.id),
          pending.map((g) => g.quantity),
        ],
      );
    }
    return results;
  }

  /** Stackable items add to one holding per user and type; others get one holding per unit. */
  async addHoldings(sql: SqlTransaction, holdings: Holding[]): Promise<void> {
    const stacks = new Map<string, Holding>();
    const units: Holding[] = [];
    for (const h of holdings) {
      if (!h.itemType.stackable) {
        units.push(h);
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
      await sql.execute(
        `INSERT INTO ${this.tables.itemHoldings} AS h (id, user_id, item_type_id, quantity, stack_key, updated_at)
         SELECT gen_random_uuid()::text, u, t, q, k, now()
         FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS s(u, t, q, k)
         ON CONFLICT (stack_key) DO UPDATE SET quantity = h.quantity + EXCLUDED.quantity, updated_at = now()`,
        [
          rows.map(([, h]) => h.userId),
          rows.map(([, h]) => h.itemType.id),
          rows.map(([, h]) => h.quantity),
          rows.map(([k]) => k),
        ],
      );
    }
    if (units.length > 0) {
      // One row of quantity 1 per unit.
      await sql.execute(
        `INSERT INTO ${this.tables.itemHoldings} (id, user_id, item_type_id, quantity, updated_at)
         SELECT gen_random_uuid()::text, u, t, 1, now() FROM unnest($1::text[], $2::text[], $3::int[]) AS h(u, t, n), generate_series(1, h.n)`,
        [units.map((h) => h.userId), units.map((h) => h.itemType.id), units.map((h) => h.quantity)],
      );
    }
  }
}
