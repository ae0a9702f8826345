export * from './prisma.module';
export * from './prisma.service';
export * from './deployment-coordination';
export * from './prisma.options';
export {
  DEFAULT_BACKBONE_SCHEMA,
  MIGRATIONS_TABLE,
  backboneSearchPath,
  backboneTable,
  outboxTable,
  qualifiedTable,
  quoteQualifiedName,
  quoteTableNames,
} from './schema/backbone-schema';
export { SchemaMigrations } from './schema/schema-migrations';
export { Prisma } from './generated/client';
/** The client handed to code that runs inside `$transaction`. */
export type PrismaTx = import('./generated/client').Prisma.TransactionClient;
export {
  BotOperationStatus,
  CampaignProgressVia,
  CampaignStatus,
  CampaignStepKind,
  CampaignStepStatus,
  DiscordRequestStatus,
  DiscordThreadStatus,
  OfferSessionStatus,
  OrderStatus,
  PermissionCheckStatus,
  SubscriptionStatus,
} from './generated/client';
/** Row types of the tables, for code that reads them through the client. */
export type {
  Campaign,
  CampaignStep,
  Contractor,
  DiscordRequest,
  DiscordThreadLink,
  OfferSession,
  Order,
  ThreadCreation,
  User,
} from './generated/client';
export { PrismaClient } from './generated/client';
export * from './database-errors';
export type { SqlTransaction } from './sql';
export { DatabaseConnectionError } from './sql';
