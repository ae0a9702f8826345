import { DynamicModule, Module } from '@nestjs/common';
import type { FactoryProvider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HEALTH_OPTIONS, HealthModuleOptions } from './health.options';
import { MetricsHealthIndicator } from './metrics.health';
import { PostgresHealthIndicator } from './postgres.health';
import { ShutdownState } from './shutdown.state';
import { SqsHealthIndicator } from './sqs.health';

/** GET /health/live and /health/ready. Needs PrismaModule, SqsClientModule and the modules providing any `readinessIndicators`. */
@Module({})
export class HealthModule {
  static forRootAsync(options: Omit<FactoryProvider<HealthModuleOptions>, 'provide'>): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [SqsHealthIndicator, PostgresHealthIndicator, MetricsHealthIndicator, ShutdownState, { provide: HEALTH_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }],
      exports: [ShutdownState],
    };
  }
}
