import type { PrismaTx, User } from '@discord-backbone/prisma';
import { EntityNotFoundException } from './order-threads.errors';

/** The users with these ids (undefined ones skipped), in the same order; 404 for the first missing one. */
export async function assertUsers(tx: PrismaTx, ids: (string | null | undefined)[]): Promise<User[]> {
  const wanted = ids.filter((i): i is string => typeof i === 'string');
  const users = await tx.user.findMany({ where: { id: { in: wanted } } });
  const missing = wanted.find((i) => !users.some((u) => u.id === i));
  if (missing) throw new EntityNotFoundException('User', missing);
  return wanted.map((i) => users.find((u) => u.id === i)!);
}
