import {
  backboneSearchPath,
  backboneTable,
  outboxTable,
  qualifiedTable,
  quoteIdentifier,
  quoteQualifiedName,
  quoteTableNames,
} from './backbone-schema';
import { catalogDifferences } from './schema-catalog';

describe('backbone schema names', () => {
  it('quotes any configured name, and refuses what Postgres could not name', () => {
    expect(quoteIdentifier('discord_backbone')).toBe('"discord_backbone"');
    expect(quoteIdentifier('Odd "name"')).toBe('"Odd ""name"""');
    expect(() => quoteIdentifier('')).toThrow('Not a Postgres identifier');
    expect(() => quoteIdentifier('x'.repeat(64))).toThrow('Not a Postgres identifier');
  });

  it("names the outbox for a host's connection in the form the `table` options take, which the library quotes", () => {
    expect(outboxTable()).toBe('discord_backbone.outbox_messages');
    expect(outboxTable('market_bot')).toBe('market_bot.outbox_messages');
    expect(backboneTable('bot_operations')).toBe('discord_backbone.bot_operations');
    expect(quoteQualifiedName(outboxTable())).toBe(qualifiedTable('discord_backbone', 'outbox_messages'));
    expect(qualifiedTable('a', 'b')).toBe('"a"."b"');
  });

  it('quotes a configured table name part by part, case kept, and refuses what is not `table` or `schema.table`', () => {
    expect(quoteQualifiedName('users')).toBe('"users"');
    expect(quoteQualifiedName('market.Member')).toBe('"market"."Member"');
    expect(quoteQualifiedName('a"b')).toBe('"a""b"');
    for (const bad of ['', 'a.', '.a', 'a.b.c', `a.${'x'.repeat(64)}`])
      expect(() => quoteQualifiedName(bad)).toThrow(TypeError);
  });

  it("quotes a table contract's names, the host's where given and the defaults elsewhere", () => {
    expect(quoteTableNames({ users: 'users', items: 'items' }, { users: 'market.Member', items: undefined })).toEqual({
      users: '"market"."Member"',
      items: '"items"',
    });
    expect(() => quoteTableNames({ users: 'users' }, { users: 'a.b.c' })).toThrow(TypeError);
  });

  it('writes the search_path as a connection option, escaping spaces', () => {
    expect(backboneSearchPath('discord_backbone')).toBe('"discord_backbone",public');
    expect(backboneSearchPath('my schema')).toBe('"my\\ schema",public');
  });
});

describe('catalogDifferences', () => {
  it('names what is missing, changed and unexpected, in a stable order', () => {
    const expected = new Map([
      ['table t', 'exists'],
      ['column t.a', 'text NOT NULL'],
      ['column t.b', 'integer'],
    ]);
    const actual = new Map([
      ['table t', 'exists'],
      ['column t.a', 'text'],
      ['index t.extra', 'CREATE INDEX extra ON <schema>.t USING btree (a)'],
    ]);
    expect(catalogDifferences(expected, actual)).toEqual([
      'Changed column t.a: expected text NOT NULL, found text',
      'Missing column t.b',
      'Unexpected index t.extra',
    ]);
    expect(catalogDifferences(expected, new Map(expected))).toEqual([]);
  });
});
