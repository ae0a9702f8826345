export * from './bot-operations.module';
export * from './api/bot-queue.producer';
export * from './api/bot-operation.errors';
export { BOT_OPERATIONS_OPTIONS } from './bot-operations.options';
export type { BotOperationsOptions, MembershipTableNames } from './bot-operations.options';
