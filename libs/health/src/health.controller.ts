import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, PrismaHealthIndicator } from '@nestjs/terminus';
import { PrismaService } from '@app/prisma';
import { SqsHealthIndicator } from './sqs.health';
import { HEALTH_OPTIONS, HealthModuleOptions } from './health.options';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly prismaHealth: PrismaHealthIndicator,
    private readonly sqsHealth: SqsHealthIndicator,
    private readonly prisma: PrismaService,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
  ) {}

  /** Liveness: the process answers. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Readiness: Postgres answers and every queue this app uses is reachable. */
  @Get('ready')
  @HealthCheck()
  ready() {
    const checks = [() => this.prismaHealth.pingCheck('postgres', this.prisma, { timeout: 3000 })];
    if (this.options.queueUrls.length > 0) checks.push(() => this.sqsHealth.isHealthy('sqs', this.options.queueUrls));
    return this.health.check(checks);
  }
}
