import type { Prisma, PrismaService } from '@discord-backbone/prisma';
import { NotFoundError } from '@discord-backbone/queue';
import { MembershipState } from './membership.state';
import { MembershipTables } from './membership.tables';

const HOST_TABLES = {
  subscriptionChannels: 'market.discord_channels',
  subscriptions: 'market.Memberships',
  users: 'market.discord_accounts',
};

/** A PrismaService that records each statement and answers with `rows`. */
function recordingPrisma(rows: object[]): PrismaService & { statements: Prisma.Sql[] } {
  const statements: Prisma.Sql[] = [];
  return {
    statements,
    sql: (statement: Prisma.Sql) => (statements.push(statement), Promise.resolve(rows)),
  } as unknown as PrismaService & { statements: Prisma.Sql[] };
}

describe('MembershipTables', () => {
  it('defaults to this repository’s own tables, quoted; an unset name keeps its default', () => {
    expect({ ...new MembershipTables({}) }).toEqual({
      subscriptionChannels: '"subscription_channels"',
      subscriptions: '"subscriptions"',
      users: '"users"',
    });
    expect(new MembershipTables({ tables: { users: undefined } }).users).toBe('"users"');
  });

  it('refuses a name that is not `table` or `schema.table` at start-up', () => {
    expect(() => new MembershipTables({ tables: { subscriptions: 'a.b.c' } })).toThrow(TypeError);
  });
});

describe('MembershipState on the host’s tables', () => {
  const tables = new MembershipTables({ tables: HOST_TABLES });

  it('reads the channel from the host’s channel table, with its values as parameters', async () => {
    const prisma = recordingPrisma([{ channelId: 'c1', guildId: 'g1', roleId: null, kickOnRemove: false }]);
    expect(await new MembershipState(prisma, tables).channel('c1')).toEqual({
      channelId: 'c1',
      guildId: 'g1',
      roleId: null,
      kickOnRemove: false,
    });
    const [statement] = prisma.statements;
    expect(statement.text).toContain('FROM "market"."discord_channels" WHERE channel_id = $1');
    expect(statement.values).toEqual(['c1']);
  });

  it('fails permanently for a channel the host does not sell', async () => {
    await expect(new MembershipState(recordingPrisma([]), tables).channel('c9')).rejects.toThrow(NotFoundError);
  });

  it('asks the host’s subscriptions joined with its users whether access is wanted, never the defaults', async () => {
    const prisma = recordingPrisma([{ wanted: true }]);
    expect(await new MembershipState(prisma, tables).accessWanted('u1', 'c1')).toBe(true);
    const [statement] = prisma.statements;
    expect(statement.text).toMatch(
      /FROM "market"\."Memberships" s JOIN "market"\."discord_accounts" u ON u\.id = s\.user_id/,
    );
    expect(statement.text).not.toMatch(/\b(FROM|JOIN) (subscriptions|users|subscription_channels)\b/);
    expect(statement.values).toEqual(['c1', 'u1']);
  });
});
