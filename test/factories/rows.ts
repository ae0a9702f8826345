import { PrismaClient } from '@discord-backbone/prisma';
import { snowflake } from '../support/database';

/** A marketplace user, linked to a Discord account (a fresh id unless one is given; `null`: not linked). */
export function createUser(prisma: PrismaClient, username: string, discordUserId: string | null = snowflake()) {
  return prisma.user.create({ data: { username, discordUserId } });
}

/** A community with a stackable item type (Gold), a unique one (Sword) and a character nobody owns (Orphan). */
export async function seedCommunity(prisma: PrismaClient) {
  const community = await prisma.community.create({ data: { name: 'Guild', discordGuildId: snowflake() } });
  const stackable = await prisma.itemType.create({
    data: { communityId: community.id, name: 'Gold', stackable: true },
  });
  const unique = await prisma.itemType.create({ data: { communityId: community.id, name: 'Sword', stackable: false } });
  const orphan = await prisma.character.create({ data: { communityId: community.id, name: 'Orphan' } });
  return { community, stackable, unique, orphan };
}

/** An order row whose Discord thread is queued, as the API leaves it before the worker answers. */
export async function queuedOrder(
  prisma: PrismaClient,
  data: { id?: string; title: string; customerId: string; communityId: string },
) {
  const order = await prisma.order.create({ data });
  await prisma.discordThreadLink.create({ data: { entityType: 'order', entityId: order.id, status: 'queued' } });
  return order;
}
