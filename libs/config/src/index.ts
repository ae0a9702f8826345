export * from './environment';
export * from './validate-environment';
export { isWorkerQueue, SQS_CONSUMERS, WORKER_CONSUMERS, type WorkerConsumer } from './worker-consumers';
export * from './app-config.module';
export * from './queue-settings';
