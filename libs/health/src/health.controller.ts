import { Controller, Get, Inject, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthCheck, HealthCheckService, HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { PublicRoute } from '@discord-backbone/auth';
import { HEALTH_OPTIONS, HealthModuleOptions, ReadinessIndicator } from './health.options';
import { MetricsHealthIndicator } from './metrics.health';
import { PostgresHealthIndicator } from './postgres.health';
import { ShutdownState } from './shutdown.state';
import { SqsHealthIndicator } from './sqs.health';

/** Open to the orchestrator's probes without credentials; each dependency is reported up or down, nothing more. */
@Controller('health')
@PublicRoute({ reason: 'liveness and readiness probes' })
export class HealthController implements OnModuleInit {
  private extraChecks: ReadinessIndicator[] = [];

  constructor(
    private readonly health: HealthCheckService,
    private readonly postgresHealth: PostgresHealthIndicator,
    private readonly sqsHealth: SqsHealthIndicator,
    private readonly metricsHealth: MetricsHealthIndicator,
    private readonly moduleRef: ModuleRef,
    private readonly shutdown: ShutdownState,
    private readonly indicator: HealthIndicatorService,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
  ) {}

  onModuleInit(): void {
    this.extraChecks = (this.options.readinessIndicators ?? []).map((type) =>
      this.moduleRef.get(type, { strict: false }),
    );
  }

  /** Liveness: the process answers. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /**
   * Readiness: not shutting down, Postgres answers, every queue this app uses is reachable, the
   * metrics endpoint listens (when metrics are served by Prometheus), and each readiness indicator is up.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    const checks: HealthIndicatorFunction[] = [() => this.postgresHealth.isHealthy('postgres')];
    if (this.shutdown.stopping)
      checks.unshift(() => this.indicator.check('shutdown').down({ message: 'shutting down' }));
    if (this.options.queueUrls.length > 0) checks.push(() => this.sqsHealth.isHealthy('sqs', this.options.queueUrls));
    if (this.metricsHealth.applies()) checks.push(() => this.metricsHealth.isHealthy('metrics'));
    for (const indicator of this.extraChecks) checks.push(() => indicator.isHealthy());
    return this.health.check(checks);
  }
}
