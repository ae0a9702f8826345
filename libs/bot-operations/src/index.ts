export * from './bot-operations.module';
export * from './bot-operations-consumer.module';
