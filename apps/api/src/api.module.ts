import { DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, Environment, loadEnvironment } from '@app/config';
import { HealthModule } from '@app/health';
import { PrismaModule } from '@app/prisma';
import { AccountLinkModule } from '@app/prizes';
import { SqsClientModule } from '@app/queue';
import { LoggingModule } from '@app/telemetry';

/** The API deployment: account linking (claims pending prizes) and health endpoints. */
@Module({})
export class ApiModule {
  static forRoot(overrides: Record<string, unknown> = {}): DynamicModule {
    // The API does not consume the prize queue; its queue settings are optional.
    const env = loadEnvironment({ AWS_SQS_ENABLED: 'false', ...overrides });
    return {
      module: ApiModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggingModule.forRoot({ level: env.LOG_LEVEL }),
        PrismaModule.forRootAsync({ inject: [Environment], useFactory: (e: Environment) => ({ databaseUrl: e.DATABASE_URL }) }),
        SqsClientModule.forRootAsync({
          inject: [Environment],
          useFactory: (e: Environment) => ({ region: e.AWS_REGION, endpoint: e.AWS_ENDPOINT_URL_SQS ?? e.AWS_ENDPOINT_URL }),
        }),
        HealthModule.forRootAsync({
          inject: [Environment],
          useFactory: (e: Environment) => ({ queueUrls: e.AWS_SQS_QUEUE_URL ? [e.AWS_SQS_QUEUE_URL] : [] }),
        }),
        AccountLinkModule,
      ],
    };
  }
}
