import { Controller, Get, Inject, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthCheck, HealthCheckService, HealthIndicatorFunction, PrismaHealthIndicator } from '@nestjs/terminus';
import { PrismaService } from '@app/prisma';
import { SqsHealthIndicator } from './sqs.health';
import { HEALTH_OPTIONS, HealthModuleOptions, ReadinessIndicator } from './health.options';

@Controller('health')
export class HealthController implements OnModuleInit {
  private extraChecks: ReadinessIndicator[] = [];

  constructor(
    private readonly health: HealthCheckService,
    private readonly prismaHealth: PrismaHealthIndicator,
    private readonly sqsHealth: SqsHealthIndicator,
    private readonly prisma: PrismaService,
    private readonly moduleRef: ModuleRef,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
  ) {}

  onModuleInit(): void {
    this.extraChecks = (this.options.readinessIndicators ?? []).map((type) => this.moduleRef.get(type, { strict: false }));
  }

  /** Liveness: the process answers. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Readiness: Postgres answers, every queue this app uses is reachable, and each readiness indicator is up. */
  @Get('ready')
  @HealthCheck()
  ready() {
    const checks: HealthIndicatorFunction[] = [() => this.prismaHealth.pingCheck('postgres', this.prisma, { timeout: 3000 })];
    if (this.options.queueUrls.length > 0) checks.push(() => this.sqsHealth.isHealthy('sqs', this.options.queueUrls));
    for (const indicator of this.extraChecks) checks.push(() => indicator.isHealthy());
    return this.health.check(checks);
  }
}
