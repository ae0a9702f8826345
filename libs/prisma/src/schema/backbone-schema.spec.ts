import { backboneSearchPath, outboxTable, qualifiedTable, quoteIdentifier } from './backbone-schema';
import { catalogDifferences } from './schema-catalog';

describe('backbone schema names', () => {
  it('quotes any configured name, and refuses what Postgres could not name', () => {
    expect(quoteIdentifier('discord_backbone')).toBe('"discord_backbone"');
    expect(quoteIdentifier('Odd "name"')).toBe('"Odd ""name"""');
    expect(() => quoteIdentifier('')).toThrow('Not a Postgres identifier');
    expect(() => quoteIdentifier('x'.repeat(64))).toThrow('Not a Postgres identifier');
  });

  it("qualifies the outbox for a host's connection", () => {
    expect(outboxTable()).toBe('"discord_backbone"."outbox_messages"');
    expect(outboxTable('market_bot')).toBe('"market_bot"."outbox_messages"');
    expect(qualifiedTable('a', 'b')).toBe('"a"."b"');
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
    expect(catalogDifferences(expected, actual)).toEqual(['Changed column t.a: expected text NOT NULL, found text', 'Missing column t.b', 'Unexpected index t.extra']);
    expect(catalogDifferences(expected, new Map(expected))).toEqual([]);
  });
});
