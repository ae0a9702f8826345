import type { PrismaTx } from '@app/prisma';

/**
 * Serialises grants and the account link for one Discord user (transaction-scoped advisory lock):
 * a grant either sees the link and claims directly, or its pending ownership is seen by the link.
 */
export async function lockDiscordAccount(tx: PrismaTx, discordUserId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${discordUserId}))`;
}
