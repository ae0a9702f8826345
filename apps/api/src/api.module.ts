import { DynamicModule, Module } from '@nestjs/common';
import { Environment, loadEnvironment } from '@app/config';
import { HealthModule } from '@app/health';
import { AccountLinkModule } from '@app/prizes';
import { platformModules } from '@app/runtime';

/** The API deployment: account linking (claims pending prizes) and health endpoints. */
@Module({})
export class ApiModule {
  static forRoot(overrides: Record<string, unknown> = {}): DynamicModule {
    // The API does not consume the prize queue; its queue settings are optional.
    const env = loadEnvironment({ AWS_SQS_ENABLED: 'false', ...overrides });
    return {
      module: ApiModule,
      imports: [
        ...platformModules(env),
        HealthModule.forRootAsync({
          inject: [Environment],
          useFactory: (e: Environment) => ({ queueUrls: e.AWS_SQS_QUEUE_URL ? [e.AWS_SQS_QUEUE_URL] : [] }),
        }),
        AccountLinkModule,
      ],
    };
  }
}
