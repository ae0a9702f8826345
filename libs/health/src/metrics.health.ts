import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { metricsEndpoint } from '@discord-backbone/telemetry';

/**
 * Ready only when this process's Prometheus endpoint listens, if it has one (OTEL_METRICS_EXPORTER
 * = prometheus): an app whose port was taken keeps working but exports no metrics, and a rollout
 * should stop there rather than replace the replicas that do. Why it failed is logged once, at
 * start-up, naming the port and OTEL_EXPORTER_PROMETHEUS_PORT.
 */
@Injectable()
export class MetricsHealthIndicator {
  constructor(private readonly health: HealthIndicatorService) {}

  /** Whether readiness has a metrics entry at all. */
  applies(): boolean {
    return metricsEndpoint() !== undefined;
  }

  isHealthy(key: string) {
    const session = this.health.check(key);
    return metricsEndpoint()?.state === 'listening' ? session.up() : session.down();
  }
}
