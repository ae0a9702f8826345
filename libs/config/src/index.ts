export * from './environment';
export * from './app-config.module';
export * from './system-queues';
