import type { PrismaTx } from '@app/prisma';
import { CommunityNotFoundError } from './prize.errors';

export async function findCommunityByGuild(tx: PrismaTx, discordGuildId: string): Promise<{ id: string }> {
  const community = await tx.community.findUnique({ where: { discordGuildId }, select: { id: true } });
  if (!community) throw new CommunityNotFoundError(discordGuildId);
  return community;
}
