import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@discord-backbone/auth';
import { BotOperationsModule } from '@discord-backbone/bot-operations';
import { CampaignsModule } from '@discord-backbone/campaigns';
import { loadEnvironment } from '@discord-backbone/config';
import { HealthModule } from '@discord-backbone/health';
import { OrderThreadsModule } from '@discord-backbone/order-threads';
import { OutboxModule } from '@discord-backbone/outbox';
import { PrizesModule } from '@discord-backbone/prizes';
import { QueueModule } from '@discord-backbone/queue';
import { loadRelayConfig, RelayModule } from '@discord-backbone/relay';
import {
  apiQueueUrls,
  consumersFor,
  outboxDestinations,
  platformModules,
  prizeTables,
} from '@discord-backbone/runtime';

/**
 * The API deployment: account linking, orders and offer sessions with their Discord threads,
 * subscriptions and listings with their bot operations, and (with DISCORD_PUBLIC_KEY) Discord's
 * interactions endpoint for campaign channels. Messages leave through the outbox; Discord's
 * answers come back on BACKEND_QUEUE_URL when it is configured. With RELAY_CONFIG, the message
 * relay's /v1 API for backend bots.
 */
@Module({})
export class ApiModule {
  static forRoot(overrides: Record<string, unknown> = {}): DynamicModule {
    // The worker's consumers are not the API's business.
    const env = loadEnvironment({ ...overrides, WORKER_CONSUMERS: '' });
    const consumers = consumersFor('api', env);
    const queueUrls = apiQueueUrls(env);
    // The relay's secrets may be named by `*_env` entries of its file: looked up like the environment.
    const relay =
      env.RELAY_CONFIG === undefined
        ? undefined
        : loadRelayConfig(env.RELAY_CONFIG, (name) =>
            typeof overrides[name] === 'string' ? overrides[name] : process.env[name],
          );
    return {
      module: ApiModule,
      imports: [
        ...platformModules(env),
        AuthModule.forRoot({
          serviceKeys: env.API_KEYS,
          adminKeys: env.API_ADMIN_KEYS,
          disabled: env.API_AUTH === 'disabled',
          otherRealms: relay ? [relay.backendKeys] : [],
        }),
        HealthModule.forRoot({ queueUrls }),
        OutboxModule.forRoot({
          // The API stages messages and, unless OUTBOX_RELAY_ENABLED=false, sends them too.
          role: env.OUTBOX_RELAY_ENABLED ? 'consumer' : 'producer',
          destinations: outboxDestinations(env),
          pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
          maxRetryDelayMs: env.OUTBOX_MAX_RETRY_DELAY_MS,
        }),
        PrizesModule.forRoot({ requireDiscordToken: env.ACCOUNT_LINK_REQUIRE_DISCORD_TOKEN, tables: prizeTables(env) }),
        OrderThreadsModule.forRoot({}),
        BotOperationsModule.forRoot({
          queueUrl: env.queues['bot-operations'].queueUrl,
          maxAttempts: env.queues['bot-operations'].maxAttempts,
        }),
        ...(env.DISCORD_PUBLIC_KEY
          ? [
              CampaignsModule.forRoot({
                publicKey: env.DISCORD_PUBLIC_KEY,
                tokenLifetimeSeconds: env.CAMPAIGN_TOKEN_LIFETIME_SECONDS,
                maxInProgressPerGuild: env.CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD,
              }),
            ]
          : []),
        ...(relay
          ? [
              RelayModule.forRoot({
                role: 'producer',
                settings: relay,
                databaseUrl: env.DATABASE_URL,
                apiBaseUrl: env.DISCORD_API_BASE_URL,
                requestTimeoutMs: env.DISCORD_REQUEST_TIMEOUT_MS,
                rateLimitPerMinute: env.RELAY_RATE_LIMIT_PER_MINUTE,
                retentionHours: env.RELAY_RETENTION_HOURS,
              }),
            ]
          : []),
        ...(consumers.settings.length > 0
          ? [
              QueueModule.forRoot({
                shutdownDrainTimeoutMs: env.SHUTDOWN_DRAIN_TIMEOUT_MS,
                consumers: consumers.settings,
              }),
            ]
          : []),
        ...consumers.modules,
      ],
    };
  }
}
