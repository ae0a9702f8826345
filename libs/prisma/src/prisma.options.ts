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
  /**
   * The Postgres schema of the backbone's tables (default discord_backbone), created by its
   * migrations (`discord-backbone-db migrate --schema`); the host's tables stay where they are.
   */
  schema?: string;
}
