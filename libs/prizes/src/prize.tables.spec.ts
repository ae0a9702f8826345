import type { SqlTransaction } from '@discord-backbone/prisma';
import { CharacterPrizeHandler } from './character-prize.handler';
import { ItemPrizeHandler } from './item-prize.handler';
import { ItemsService } from './items.service';
import { PendingOwnershipService } from './pending-ownership.service';
import { PrizeTables } from './prize.tables';

const HOST_TABLES = {
  users: 'market.Member',
  communities: 'market.guilds',
  itemTypes: 'market.item_kinds',
  itemHoldings: 'market.inventory',
  characters: 'market.heroes',
};
const GUILD = '123456789012345678';
const USER = '223456789012345678';

/** Records every statement; answers as a database with one community, item type, linked user and orphan. */
function recordingSql(): SqlTransaction & { statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    query: <R extends object>(text: string) => {
      statements.push(text);
      const rows: Record<string, unknown>[] = /discord_guild_id/.test(text)
        ? [{ id: 'c1', discord_guild_id: GUILD }]
        : /stackable FROM/.test(text)
          ? [{ id: 't1', communityId: 'c1', stackable: true }]
          : /FOR UPDATE/.test(text)
            ? [{ id: 'h1', communityId: 'c1', ownerId: null }]
            : /pending_ownerships p/.test(text)
              ? [{ id: 'p1', item_type_id: 't1', stackable: true, quantity: 2, character_id: 'h2' }]
              : /discord_user_id/.test(text)
                ? [{ id: 'u1', discord_user_id: USER }]
                : [];
      return Promise.resolve(rows as R[]);
    },
    execute: (text: string) => {
      statements.push(text);
      return Promise.resolve(1);
    },
  };
}

describe('PrizeTables', () => {
  it('defaults to this repository’s own tables, quoted', () => {
    expect({ ...new PrizeTables({}) }).toEqual({
      users: '"users"',
      communities: '"communities"',
      itemTypes: '"item_types"',
      itemHoldings: '"item_holdings"',
      characters: '"characters"',
    });
  });

  it('takes the host’s schema-qualified names, case kept', () => {
    expect(new PrizeTables({ tables: { users: 'market.Member' } }).users).toBe('"market"."Member"');
    expect(new PrizeTables({ tables: { users: undefined } }).users).toBe('"users"');
  });

  it('sends every statement of grants, awards and claims to the host’s tables, never to the defaults', async () => {
    const tables = new PrizeTables({ tables: HOST_TABLES });
    const items = new ItemsService(tables);
    const pending = new PendingOwnershipService(items, tables);
    const sql = recordingSql();

    await new ItemPrizeHandler(items, tables).handleBatch(
      [
        { eventType: 'ITEM_AWARDED', discordGuildId: GUILD, discordUserId: USER, itemTypeId: 't1', quantity: 1 },
      ] as never,
      sql,
    );
    await items.addHoldings(sql, [{ userId: 'u1', itemType: { id: 't2', stackable: false }, quantity: 2 }]);
    await new CharacterPrizeHandler(pending, tables).handleBatch(
      [{ eventType: 'CHARACTER_AWARDED', discordGuildId: GUILD, discordUserId: USER, characterId: 'h1' }] as never,
      sql,
    );
    await pending.claimAll(sql, 'u1', USER);

    const text = sql.statements.join('\n');
    for (const name of [
      '"market"."Member"',
      '"market"."guilds"',
      '"market"."item_kinds"',
      '"market"."inventory"',
      '"market"."heroes"',
    ])
      expect(text).toContain(name);
    expect(text).not.toMatch(/\b(FROM|INTO|UPDATE|JOIN) (users|communities|item_types|item_holdings|characters)\b/);
  });
});
