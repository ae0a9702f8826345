export * from './dlq.errors';
export * from './dlq.targets';
export * from './dlq.cursor';
export * from './dlq.overview';
export * from './error-class';
export * from './move-task';
export * from './redrive';
