import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@discord-backbone/prisma';

/** A Prisma client on the test run's database, for arranging and asserting rows. */
export function testPrisma(): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.TEST_DATABASE_URL! }) });
}

/** Empties every table but Prisma's migration history, so new tables are never forgotten here. */
export async function resetDatabase(prisma: PrismaClient): Promise<void> {
  const tables = await prisma.$queryRaw<{ tablename: string }[]>`
    SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  await prisma.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} CASCADE`);
}

let seq = 0;
/** 18-digit Discord-style IDs, unique within the run. */
export function snowflake(): string {
  seq += 1;
  return `${Date.now()}${String(seq).padStart(5, '0')}`.slice(-18).padStart(18, '1');
}

export async function seedCommunity(prisma: PrismaClient) {
  const community = await prisma.community.create({ data: { name: 'Guild', discordGuildId: snowflake() } });
  const stackable = await prisma.itemType.create({ data: { communityId: community.id, name: 'Gold', stackable: true } });
  const unique = await prisma.itemType.create({ data: { communityId: community.id, name: 'Sword', stackable: false } });
  const orphan = await prisma.character.create({ data: { communityId: community.id, name: 'Orphan' } });
  return { community, stackable, unique, orphan };
}
