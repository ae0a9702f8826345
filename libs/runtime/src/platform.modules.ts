import type { DynamicModule } from '@nestjs/common';
import { AppConfigModule, Environment } from '@app/config';
import { PrismaModule } from '@app/prisma';
import { SqsClientModule } from '@app/queue';
import { LoggingModule } from '@app/telemetry';

/** What every app of this system stands on: validated config, JSON logs, Postgres, one SQS client. */
export function platformModules(env: Environment): DynamicModule[] {
  return [
    AppConfigModule.forRoot(env),
    LoggingModule.forRoot({ level: env.LOG_LEVEL }),
    PrismaModule.forRootAsync({ inject: [Environment], useFactory: (e: Environment) => ({ databaseUrl: e.DATABASE_URL }) }),
    SqsClientModule.forRootAsync({
      inject: [Environment],
      useFactory: (e: Environment) => ({ region: e.AWS_REGION, endpoint: e.AWS_ENDPOINT_URL_SQS ?? e.AWS_ENDPOINT_URL }),
    }),
  ];
}
