import type { DynamicModule } from '@nestjs/common';
import { AppConfigModule, Environment } from '@discord-backbone/config';
import { DiscordModule } from '@discord-backbone/discord';
import { PrismaModule } from '@discord-backbone/prisma';
import { SqsClientModule } from '@discord-backbone/queue';
import { LoggingModule } from '@discord-backbone/telemetry';

/**
 * What every app of this system stands on: validated config, JSON logs, Postgres, one SQS client,
 * and one Discord REST client with the app's invalid-request budget (global: every Discord caller
 * of the app must count into the same budget) and Discord's limits shared with the deployment's
 * other replicas through Postgres (DISCORD_SHARED_LIMITS). Without DISCORD_BOT_TOKEN, bot calls are refused.
 */
export function platformModules(env: Environment): DynamicModule[] {
  return [
    AppConfigModule.forRoot(env),
    LoggingModule.forRoot({ level: env.LOG_LEVEL }),
    PrismaModule.forRoot({ databaseUrl: env.DATABASE_URL, statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS, schema: env.DATABASE_SCHEMA }),
    SqsClientModule.forRoot({ region: env.AWS_REGION, endpoint: env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL }),
    DiscordModule.forRoot({
      isGlobal: true,
      token: env.DISCORD_BOT_TOKEN,
      apiBaseUrl: env.DISCORD_API_BASE_URL,
      requestTimeoutMs: env.DISCORD_REQUEST_TIMEOUT_MS,
      invalidRequestBudget: env.DISCORD_INVALID_REQUEST_BUDGET,
      sharedLimits: env.DISCORD_SHARED_LIMITS ? { globalRequestsPerSecond: env.DISCORD_GLOBAL_REQUESTS_PER_SECOND, maxWaitMs: env.DISCORD_RATE_LIMIT_MAX_WAIT_MS } : undefined,
    }),
  ];
}
