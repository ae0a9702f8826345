export * from './telemetry';
export * from './logging.module';
