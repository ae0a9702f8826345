export const PRISMA_OPTIONS = Symbol('PRISMA_OPTIONS');

export interface PrismaModuleOptions {
  databaseUrl: string;
  poolSize?: number;
  connectTimeoutMs?: number;
  /**
   * Longest a statement may run (Postgres' statement_timeout); the client gives up a little later
   * (query_timeout), so a half-open connection fails fast instead of holding a message invisible
   * behind a heartbeat.
   */
  statementTimeoutMs?: number;
}
