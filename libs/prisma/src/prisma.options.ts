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
  /**
   * The Postgres schema of the backbone's tables (default discord_backbone), created by its
   * migrations (`discord-backbone-db migrate --schema`); the host's tables stay where they are.
   */
  schema?: string;
}
