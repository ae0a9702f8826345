export * from './health.module';
export type { HealthModuleOptions, ReadinessIndicator } from './health.options';
