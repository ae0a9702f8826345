import { DynamicModule, Module } from '@nestjs/common';
import { loadEnvironment } from '@app/config';
import { DiscordHealthIndicator } from '@app/discord';
import { HealthModule } from '@app/health';
import { QueueModule } from '@app/queue';
import { consumersFor, platformModules } from '@app/runtime';

/**
 * The worker deployment: the consumers listed in WORKER_CONSUMERS (see CONSUMERS for each one's
 * settings and module) and health endpoints.
 */
@Module({})
export class WorkerModule {
  static forRoot(overrides: Record<string, unknown> = {}): DynamicModule {
    const env = loadEnvironment(overrides);
    const consumers = consumersFor('worker', env);
    return {
      module: WorkerModule,
      imports: [
        ...platformModules(env),
        HealthModule.forRootAsync({
          // Ready only while Discord accepts the bot token (a 401 holds every Discord message back).
          useFactory: () => ({ queueUrls: consumers.settings.map((c) => c.queueUrl), readinessIndicators: consumers.usesDiscord ? [DiscordHealthIndicator] : [] }),
        }),
        ...(consumers.settings.length > 0
          ? [QueueModule.forRootAsync({ useFactory: () => ({ shutdownDrainTimeoutMs: env.SHUTDOWN_DRAIN_TIMEOUT_MS, consumers: consumers.settings }) })]
          : []),
        ...consumers.modules,
      ],
    };
  }
}
