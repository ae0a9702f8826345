import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ConfigurableHealthModule } from './health.module-definition';
import { MetricsHealthIndicator } from './metrics.health';
import { PostgresHealthIndicator } from './postgres.health';
import { ShutdownState } from './shutdown.state';
import { SqsHealthIndicator } from './sqs.health';

/**
 * GET /health/live and /health/ready. `forRoot` / `forRootAsync`. Needs PrismaModule,
 * SqsClientModule and the modules providing any `readinessIndicators`.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [SqsHealthIndicator, PostgresHealthIndicator, MetricsHealthIndicator, ShutdownState],
  exports: [ShutdownState],
})
export class HealthModule extends ConfigurableHealthModule {}
