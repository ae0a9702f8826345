export * from './outbox.module';
export * from './outbox.options';
export { OutboxService } from './outbox.service';
export type { RejectedMessage, StagedMessage, StageOptions } from './outbox.service';
export { OutboxDispatcher } from './outbox.dispatcher';
export { executeInTransaction } from './host-transaction';
export type { HostTransaction, PgTransactionClient, PrismaTransactionClient } from './host-transaction';
