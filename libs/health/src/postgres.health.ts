import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Prisma, PrismaService } from '@discord-backbone/prisma';

/** Ready when Postgres answers `SELECT 1` within 3 s; up or down only (the reason is logged). */
@Injectable()
export class PostgresHealthIndicator {
  private readonly logger = new Logger(PostgresHealthIndicator.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key: string) {
    const session = this.health.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        // Plain SQL on the pool: a probe must not load Prisma's query compiler into a process that has no other use for it.
        this.prisma.sql(Prisma.sql`SELECT 1`),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 3000 ms')), 3000))),
      ]);
      return session.up();
    } catch (error) {
      this.logger.warn({
        msg: 'Readiness: Postgres check failed',
        error: error instanceof Error ? error.message : String(error),
      });
      return session.down();
    } finally {
      clearTimeout(timer);
    }
  }
}
