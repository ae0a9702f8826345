export * from './order-threads.module';
export * from './backend-response-consumer.module';
export * from './discord-request-consumer.module';
export { DiscordQueueProducer } from './discord-queue.producer';
export type { RequestTarget, ThreadRequest, ThreadTarget } from './discord-queue.producer';
