export * from './order-threads.module';
export * from './api/backend-response-consumer.module';
export type { OrderThreadsOptions } from './order-threads.options';
export { DiscordQueueProducer } from './api/discord-queue.producer';
export type { RequestTarget, ThreadRequest, ThreadTarget } from './api/discord-queue.producer';
export { ThreadAnswerHandler } from './api/thread-answer.handler';
export type { ThreadCreatedAnswer, ThreadFailedAnswer } from './api/thread-answer.handler';
export { ThreadLinkAnswerHandler } from './api/thread-link-answer.handler';
