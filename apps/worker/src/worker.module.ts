import { DynamicModule, Module, Type } from '@nestjs/common';
import { Environment, loadEnvironment } from '@discord-backbone/config';
import { HealthModule, ReadinessIndicator } from '@discord-backbone/health';
import { QueueModule } from '@discord-backbone/queue';
import { consumersFor, platformModules } from '@discord-backbone/runtime';

/**
 * The worker deployment: the consumers listed in WORKER_CONSUMERS (the queue table says which
 * queues the worker consumes and with which settings, consumersFor which module handles each;
 * `relay`, the message relay's Discord gateway ingest, is no SQS consumer and is composed here)
 * and health endpoints. What touches Discord is imported only when a consumer needs it, so a
 * prize-only worker does not carry discord.js.
 */
@Module({})
export class WorkerModule {
  static forRoot(overrides: Record<string, unknown> = {}): DynamicModule {
    const env = loadEnvironment(overrides);
    const consumers = consumersFor('worker', env);
    const relay = env.consumes('relay');
    return {
      module: WorkerModule,
      imports: [
        ...platformModules(env, { discord: consumers.usesDiscord || relay }),
        healthModule(
          consumers.settings.map((c) => c.queueUrl),
          consumers.usesDiscord,
          relay,
        ),
        ...(consumers.settings.length > 0
          ? [
              QueueModule.forRoot({
                shutdownDrainTimeoutMs: env.SHUTDOWN_DRAIN_TIMEOUT_MS,
                consumers: consumers.settings,
                ecsAgentUri: env.ECS_AGENT_URI,
              }),
            ]
          : []),
        ...consumers.modules,
        ...(relay ? [relayModule(env, overrides)] : []),
      ],
    };
  }
}

/** Ready only while Discord accepts the bot token (a 401 holds every Discord message back) and every relay bot's gateway connection is up. */
async function healthModule(queueUrls: string[], usesDiscord: boolean, relay: boolean): Promise<DynamicModule> {
  const readinessIndicators: Type<ReadinessIndicator>[] = [];
  if (usesDiscord) readinessIndicators.push((await import('@discord-backbone/discord')).DiscordHealthIndicator);
  if (relay) readinessIndicators.push((await import('@discord-backbone/relay')).RelayGatewayHealthIndicator);
  return HealthModule.forRoot({ queueUrls, readinessIndicators });
}

/** The relay's consumer role: the Discord gateway ingest. */
async function relayModule(env: Environment, overrides: Record<string, unknown>): Promise<DynamicModule> {
  const { loadRelayConfig, RelayModule } = await import('@discord-backbone/relay');
  return RelayModule.forRoot({
    role: 'consumer',
    // The relay's secrets may be named by `*_env` entries of its file: looked up like the environment.
    settings: loadRelayConfig(env.RELAY_CONFIG!, (name) => stringOrUndefined(overrides[name]) ?? process.env[name]),
    apiBaseUrl: env.DISCORD_API_BASE_URL,
    requestTimeoutMs: env.DISCORD_REQUEST_TIMEOUT_MS,
    backfillMaxMessages: env.RELAY_BACKFILL_MAX_MESSAGES,
    ingestMaxPending: env.RELAY_INGEST_MAX_PENDING,
    shutdownDrainTimeoutMs: env.SHUTDOWN_DRAIN_TIMEOUT_MS,
  });
}

const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined);
