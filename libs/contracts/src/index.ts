export * from './prize-event.dto';
export * from './discord-ids';
export * from './discord-queue';
export * from './message-attributes';
export * from './queues.table';
export * from './bot-operation';
export * from './campaign-tasks';
export * from './relay';
