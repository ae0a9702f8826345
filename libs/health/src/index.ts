export * from './health.module';
export type { HealthModuleOptions, ReadinessIndicator } from './health.options';
export { ShutdownState } from './shutdown.state';
