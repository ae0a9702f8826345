export * from './bot-operations.module';
export * from './bot-operations-consumer.module';
export * from './bot-queue.producer';
export * from './bot-operation.errors';
export * from './bot-operations.options';
