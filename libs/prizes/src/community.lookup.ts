import type { SqlTransaction } from '@discord-backbone/prisma';
import type { PrizeTables } from './prize.tables';

/** Community id by Discord guild id, for every guild that has a community. */
export async function findCommunitiesByGuild(
  sql: SqlTransaction,
  tables: PrizeTables,
  discordGuildIds: string[],
): Promise<Map<string, string>> {
  const rows = await sql.query<{ id: string; discord_guild_id: string }>(
    `SELECT id, discord_guild_id FROM ${tables.communities} WHERE discord_guild_id = ANY($1::text[])`,
    [[...new Set(discordGuildIds)]],
  );
  return new Map(rows.map((c) => [c.discord_guild_id, c.id]));
}
