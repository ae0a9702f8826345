import type { Type } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

/** A readiness check another module provides (e.g. DiscordHealthIndicator from @discord-backbone/discord). */
export interface ReadinessIndicator {
  isHealthy(): HealthIndicatorResult | Promise<HealthIndicatorResult>;
}

export interface HealthModuleOptions {
  /** Queues whose reachability makes the app ready. */
  queueUrls: string[];
  /**
   * More checks for /health/ready (never for /health/live), each a provider class looked up among
   * the app's modules: the module providing it must be imported by the app (e.g. global). One not
   * found fails start-up.
   */
  readinessIndicators?: Type<ReadinessIndicator>[];
}
