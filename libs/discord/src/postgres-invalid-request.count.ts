import { Prisma } from '@discord-backbone/prisma';
import type { PrismaService } from '@discord-backbone/prisma';
import type { InvalidRequestSlot, SharedInvalidRequestCount } from './invalid-request.budget';

/**
 * The deployment's invalid Discord requests in Postgres: 10-second slots per egress (the address
 * Discord sees; one per deployment unless its replicas leave through several). One statement adds
 * a process's new counts and reads the 10-minute window back; older slots are deleted as it goes.
 * A slot counts as old as its end, so its counts stay until the last of them has left the window.
 */
export class PostgresInvalidRequestCount implements SharedInvalidRequestCount {
  constructor(
    private readonly prisma: Pick<PrismaService, 'sql'>,
    private readonly egress: string,
  ) {}

  async exchange(add: number): Promise<InvalidRequestSlot[]> {
    const rows = await this.prisma.sql<{ age_seconds: number; count: number }>(Prisma.sql`
      WITH added AS (
        INSERT INTO discord_invalid_requests (egress, slot, count)
        SELECT ${this.egress}, to_timestamp(floor(extract(epoch FROM now()) / 10) * 10), ${add}::int WHERE ${add}::int > 0
        ON CONFLICT (egress, slot) DO UPDATE SET count = discord_invalid_requests.count + EXCLUDED.count
        RETURNING slot, count),
      pruned AS (DELETE FROM discord_invalid_requests WHERE egress = ${this.egress} AND slot <= now() - interval '610 seconds')
      SELECT extract(epoch FROM now() - slot)::float8 - 10 AS age_seconds, count FROM (
        SELECT slot, count FROM discord_invalid_requests WHERE egress = ${this.egress} AND slot > now() - interval '610 seconds' AND slot NOT IN (SELECT slot FROM added)
        UNION ALL SELECT slot, count FROM added) counted
      ORDER BY slot`);
    return rows.map((row) => ({ ageSeconds: Number(row.age_seconds), count: Number(row.count) }));
  }
}
