export * from './prisma.module';
export * from './prisma.service';
export * from './deployment-coordination';
export * from './prisma.options';
export { Prisma } from '@prisma/client';
/** The client handed to code that runs inside `$transaction`. */
export type PrismaTx = import('@prisma/client').Prisma.TransactionClient;
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
} from '@prisma/client';
export * from './database-errors';
export type { SqlTransaction } from './sql';
export { DatabaseConnectionError } from './sql';
