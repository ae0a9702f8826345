import { PrismaPg } from '@prisma/adapter-pg';
import { backboneSearchPath, DEFAULT_BACKBONE_SCHEMA, MIGRATIONS_TABLE, PrismaClient } from '@discord-backbone/prisma';

/** A Prisma client on the test run's database, for arranging and asserting rows (raw SQL finds the backbone's tables as the apps do). */
export function testPrisma(): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: process.env.TEST_DATABASE_URL!,
      options: `-c search_path=${backboneSearchPath(DEFAULT_BACKBONE_SCHEMA)}`,
    }),
  });
}

/** Empties every table, the marketplace's and the backbone's, but the migration ledgers, so new tables are never forgotten here. */
export async function resetDatabase(prisma: PrismaClient): Promise<void> {
  const tables = await prisma.$queryRaw<{ name: string }[]>`
    SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
     WHERE schemaname IN ('public', ${DEFAULT_BACKBONE_SCHEMA}) AND tablename NOT IN ('_prisma_migrations', ${MIGRATIONS_TABLE})`;
  await prisma.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => t.name).join(', ')} CASCADE`);
}

let seq = 0;
/** 18-digit Discord-style IDs, unique within the run. */
export function snowflake(): string {
  seq += 1;
  return `${Date.now()}${String(seq).padStart(5, '0')}`.slice(-18).padStart(18, '1');
}
