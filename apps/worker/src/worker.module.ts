import { DynamicModule, Module } from '@nestjs/common';
import { loadEnvironment } from '@discord-backbone/config';
import { DiscordHealthIndicator } from '@discord-backbone/discord';
import { HealthModule } from '@discord-backbone/health';
import { QueueModule } from '@discord-backbone/queue';
import { loadRelayConfig, RelayGatewayHealthIndicator, RelayIngestModule } from '@discord-backbone/relay';
import { consumersFor, platformModules } from '@discord-backbone/runtime';

/**
 * The worker deployment: the consumers listed in WORKER_CONSUMERS (the queue table says which
 * queues the worker consumes and with which settings, consumersFor which module handles each;
 * `relay`, the message relay's Discord gateway ingest, is no SQS consumer and is composed here)
 * and health endpoints.
 */
@Module({})
export class WorkerModule {
  static forRoot(overrides: Record<string, unknown> = {}): DynamicModule {
    const env = loadEnvironment(overrides);
    const consumers = consumersFor('worker', env);
    // The relay's secrets may be named by `*_env` entries of its file: looked up like the environment.
    const relay = env.consumes('relay') ? loadRelayConfig(env.RELAY_CONFIG!, (name) => stringOrUndefined(overrides[name]) ?? process.env[name]) : undefined;
    const readinessIndicators = [...(consumers.usesDiscord ? [DiscordHealthIndicator] : []), ...(relay ? [RelayGatewayHealthIndicator] : [])];
    return {
      module: WorkerModule,
      imports: [
        ...platformModules(env),
        // Ready only while Discord accepts the bot token (a 401 holds every Discord message back)
        // and every relay bot's gateway connection is up.
        HealthModule.forRoot({ queueUrls: consumers.settings.map((c) => c.queueUrl), readinessIndicators }),
        ...(consumers.settings.length > 0
          ? [QueueModule.forRoot({ shutdownDrainTimeoutMs: env.SHUTDOWN_DRAIN_TIMEOUT_MS, consumers: consumers.settings, ecsAgentUri: env.ECS_AGENT_URI })]
          : []),
        ...consumers.modules,
        ...(relay
          ? [
              RelayIngestModule.forRoot({
                settings: relay,
                apiBaseUrl: env.DISCORD_API_BASE_URL,
                requestTimeoutMs: env.DISCORD_REQUEST_TIMEOUT_MS,
                backfillMaxMessages: env.RELAY_BACKFILL_MAX_MESSAGES,
                ingestMaxPending: env.RELAY_INGEST_MAX_PENDING,
                shutdownDrainTimeoutMs: env.SHUTDOWN_DRAIN_TIMEOUT_MS,
              }),
            ]
          : []),
      ],
    };
  }
}

const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined);
