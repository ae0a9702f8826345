import { Module } from '@nestjs/common';
import { PrismaService } from '@discord-backbone/prisma';
import { DiscordBudgetMetrics } from './discord-budget.metrics';
import {
  DISCORD_GLOBAL_REQUESTS_PER_SECOND,
  DiscordRateLimiter,
  InProcessDiscordRateLimiter,
} from './discord-rate-limiter';
import { DiscordRestClientFactory } from './discord-rest-client.factory';
import { DiscordRestClient } from './discord-rest.client';
import { DiscordHealthIndicator } from './discord.health';
import { ConfigurableDiscordModule } from './discord.module-definition';
import { DISCORD_OPTIONS, DiscordOptions } from './discord.options';
import { InvalidRequestBudget } from './invalid-request.budget';
import { PostgresDiscordRateLimiter } from './postgres-discord-rate-limiter';
import { PostgresInvalidRequestCount } from './postgres-invalid-request.count';

/** Well below Discord's 10,000: other callers on the same IP count too, and a ban lasts hours. */
export const DEFAULT_INVALID_REQUEST_BUDGET = 2000;
/** Below Discord's 50/s: requests leave evenly spaced, but reach Discord with network jitter. */
export const DEFAULT_SHARED_GLOBAL_REQUESTS_PER_SECOND = 48;
export const DEFAULT_SHARED_MAX_WAIT_MS = 250;

function sharedStore(o: DiscordOptions, prisma: PrismaService | undefined): PrismaService | undefined {
  if (!o.sharedLimits) return undefined;
  if (!prisma)
    throw new Error('DiscordOptions.sharedLimits needs PrismaModule (the limits are shared through Postgres)');
  return prisma;
}

function rateLimiter(o: DiscordOptions, prisma: PrismaService | undefined): DiscordRateLimiter {
  const store = sharedStore(o, prisma);
  if (!store) return new InProcessDiscordRateLimiter();
  const perSecond = Math.min(
    o.sharedLimits?.globalRequestsPerSecond ?? DEFAULT_SHARED_GLOBAL_REQUESTS_PER_SECOND,
    DISCORD_GLOBAL_REQUESTS_PER_SECOND,
  );
  // The wait runs inside the request's timeout (REST starts it first).
  const maxWaitMs = Math.min(o.sharedLimits?.maxWaitMs ?? DEFAULT_SHARED_MAX_WAIT_MS, o.requestTimeoutMs / 2);
  return new PostgresDiscordRateLimiter(store, { globalRequestsPerSecond: perSecond, maxWaitMs });
}

/**
 * Provides DiscordRestClient (for the configured bot token), DiscordHealthIndicator for readiness,
 * the app's one InvalidRequestBudget and DiscordRateLimiter (shared through Postgres with the whole
 * deployment when `sharedLimits` is set), and DiscordRestClientFactory, through which every other
 * Discord client of the app is made (the relay's, one per bot token): all count into that budget,
 * since Discord's ban is per IP. The relay's gateway clients have their REST calls watched by it too.
 * REST only: it opens no gateway connection. `forRoot` / `forRootAsync`; `isGlobal: true` in an app.
 */
@Module({
  providers: [
    {
      provide: InvalidRequestBudget,
      inject: [DISCORD_OPTIONS, { token: PrismaService, optional: true }],
      useFactory: (o: DiscordOptions, prisma?: PrismaService) => {
        const store = sharedStore(o, prisma);
        const deployment = store && new PostgresInvalidRequestCount(store, o.sharedLimits?.egress ?? 'default');
        return new InvalidRequestBudget(o.invalidRequestBudget ?? DEFAULT_INVALID_REQUEST_BUDGET, Date.now, deployment);
      },
    },
    {
      provide: DiscordRateLimiter,
      inject: [DISCORD_OPTIONS, { token: PrismaService, optional: true }],
      useFactory: rateLimiter,
    },
    DiscordRestClientFactory,
    {
      provide: DiscordRestClient,
      inject: [DiscordRestClientFactory, DISCORD_OPTIONS],
      useFactory: (factory: DiscordRestClientFactory, o: DiscordOptions) => factory.create(o),
    },
    DiscordHealthIndicator,
    DiscordBudgetMetrics,
  ],
  exports: [
    DiscordRestClient,
    DiscordHealthIndicator,
    InvalidRequestBudget,
    DiscordRateLimiter,
    DiscordRestClientFactory,
  ],
})
export class DiscordModule extends ConfigurableDiscordModule {}
