export * from './outbox.module';
export * from './outbox.options';
export { OutboxService } from './outbox.service';
export type { RejectedMessage } from './outbox.service';
export { OutboxRelay } from './outbox.relay';
export { executeInTransaction } from './host-transaction';
export type { HostTransaction, PgTransactionClient, PrismaTransactionClient } from './host-transaction';
