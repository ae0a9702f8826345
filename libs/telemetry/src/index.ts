export * from './telemetry';
export * from './logging.module';
export * from './gauges';
