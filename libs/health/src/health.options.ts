export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthModuleOptions {
  /** Queues whose reachability makes the app ready. */
  queueUrls: string[];
}
