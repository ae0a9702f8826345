export * from './api/bot-operations.module';
export * from './worker/bot-operations-consumer.module';
export * from './api/bot-queue.producer';
export * from './api/bot-operation.errors';
export * from './bot-operations.options';
