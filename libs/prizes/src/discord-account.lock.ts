import type { SqlTransaction } from '@discord-backbone/prisma';

/**
 * Serialises grants and the account link for the same Discord users (transaction-scoped
 * advisory locks, taken in a fixed order so two batches cannot deadlock): a grant either sees
 * the link and claims directly, or its pending ownership is seen by the link.
 */
export async function lockDiscordAccounts(sql: SqlTransaction, discordUserIds: string[]): Promise<void> {
  const sorted = [...new Set(discordUserIds)].sort();
  await sql.execute('SELECT pg_advisory_xact_lock(hashtext(id)) FROM unnest($1::text[]) AS id ORDER BY id', [sorted]);
}
