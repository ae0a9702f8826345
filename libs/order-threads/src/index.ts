export * from './api/order-threads.module';
export * from './api/backend-response-consumer.module';
export * from './worker/discord-request-consumer.module';
export { DiscordQueueProducer } from './api/discord-queue.producer';
export type { RequestTarget, ThreadRequest, ThreadTarget } from './api/discord-queue.producer';
export { ThreadAnswerHandler } from './api/thread-answer.handler';
export type { ThreadCreatedAnswer, ThreadFailedAnswer } from './api/thread-answer.handler';
export { ThreadLinkAnswerHandler } from './api/thread-link-answer.handler';
