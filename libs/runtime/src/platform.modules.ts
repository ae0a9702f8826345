import type { DynamicModule } from '@nestjs/common';
import { AppConfigModule, Environment } from '@discord-backbone/config';
import { PrismaModule } from '@discord-backbone/prisma';
import { SqsClientModule } from '@discord-backbone/queue';
import { LoggingModule } from '@discord-backbone/telemetry';

/**
 * What every app of this system stands on: validated config, JSON logs, Postgres, one SQS client,
 * and (unless `discord` is false) one Discord REST client with the app's invalid-request budget
 * (global: every Discord caller of the app must count into the same budget) and Discord's limits
 * shared with the deployment's other replicas through Postgres (DISCORD_SHARED_LIMITS). Without
 * DISCORD_BOT_TOKEN, bot calls are refused. Discord's module is imported only when used: a worker
 * without Discord consumers never loads discord.js.
 */
export function platformModules(
  env: Environment,
  { discord = true }: { discord?: boolean } = {},
): (DynamicModule | Promise<DynamicModule>)[] {
  return [
    AppConfigModule.forRoot(env),
    LoggingModule.forRoot({ level: env.LOG_LEVEL }),
    PrismaModule.forRoot({
      databaseUrl: env.DATABASE_URL,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      schema: env.DATABASE_SCHEMA,
    }),
    SqsClientModule.forRoot({ region: env.AWS_REGION, endpoint: env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL }),
    ...(discord ? [discordModule(env)] : []),
  ];
}

async function discordModule(env: Environment): Promise<DynamicModule> {
  const { DiscordModule } = await import('@discord-backbone/discord');
  return DiscordModule.forRoot({
    isGlobal: true,
    token: env.DISCORD_BOT_TOKEN,
    apiBaseUrl: env.DISCORD_API_BASE_URL,
    requestTimeoutMs: env.DISCORD_REQUEST_TIMEOUT_MS,
    invalidRequestBudget: env.DISCORD_INVALID_REQUEST_BUDGET,
    sharedLimits: env.DISCORD_SHARED_LIMITS
      ? {
          globalRequestsPerSecond: env.DISCORD_GLOBAL_REQUESTS_PER_SECOND,
          maxWaitMs: env.DISCORD_RATE_LIMIT_MAX_WAIT_MS,
        }
      : undefined,
  });
}
