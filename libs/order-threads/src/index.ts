export * from './order-threads.module';
export * from './backend-response-consumer.module';
export * from './discord-request-consumer.module';
