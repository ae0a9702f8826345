export const PRISMA_OPTIONS = Symbol('PRISMA_OPTIONS');

export interface PrismaModuleOptions {
  databaseUrl: string;
  poolSize?: number;
  connectTimeoutMs?: number;
}
