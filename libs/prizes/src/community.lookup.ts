import type { PrismaTx } from '@app/prisma';

/** Community id by Discord guild id, for every guild that has a community. */
export async function findCommunitiesByGuild(tx: PrismaTx, discordGuildIds: string[]): Promise<Map<string, string>> {
  const communities = await tx.community.findMany({ where: { discordGuildId: { in: [...new Set(discordGuildIds)] } }, select: { id: true, discordGuildId: true } });
  return new Map(communities.map((c) => [c.discordGuildId, c.id]));
}
