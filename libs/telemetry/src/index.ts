export * from './telemetry';
export * from './logging.module';
export * from './gauges';
export * from './with-span';
export { DURATION_BUCKETS_SECONDS, metricsEndpoint, PROMETHEUS_PORT_SETTING } from './metrics-export';
export type { MetricsEndpoint } from './metrics-export';
