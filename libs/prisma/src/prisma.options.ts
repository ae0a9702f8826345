export const PRISMA_OPTIONS = Symbol('PRISMA_OPTIONS');

export interface PrismaModuleOptions {
  /** DATABASE_URL: the host's Postgres. */
  databaseUrl: string;
  /** Connections in the pool (10 unless set). */
  poolSize?: number;
  /** How long a new connection may take before the query fails. */
  connectTimeoutMs?: number;
  /**
   * Longest a statement may run (Postgres' statement_timeout); the client gives up a little later
   * (query_timeout), so a half-open connection fails fast instead of holding a message invisible
   * behind a heartbeat.
   */
  statementTimeoutMs?: number;
}
