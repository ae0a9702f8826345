export * from './environment';
export * from './app-config.module';
export * from './queue-settings';
