import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscordRestClientFactory } from '@discord-backbone/discord';
import { PrismaService } from '@discord-backbone/prisma';
import { BotConnection } from './bot.connection';
import { GatewayBackfill } from './gateway-backfill';
import { MessageIngestor } from './message.ingestor';
import { RELAY_INGEST_OPTIONS, RelayIngestOptions } from './relay-ingest.options';

/**
 * The worker's `relay` consumer: one gateway connection per enabled Discord bot, opened once the
 * app has started (not awaited: a Discord outage must not hold the worker's other consumers) and
 * closed before Postgres disconnects at shutdown.
 */
@Injectable()
export class RelayGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RelayGateway.name);
  readonly connections: BotConnection[];

  constructor(
    @Inject(RELAY_INGEST_OPTIONS) private readonly options: RelayIngestOptions,
    prisma: PrismaService,
    ingestor: MessageIngestor,
    clients: DiscordRestClientFactory,
  ) {
    const { settings } = options;
    this.connections = settings.discordBots.map((bot) => {
      const rest = clients.create({ token: bot.token.reveal(), apiBaseUrl: options.apiBaseUrl, requestTimeoutMs: options.requestTimeoutMs });
      const backfill = new GatewayBackfill(prisma, ingestor, rest, settings, bot, options.backfillMaxMessages);
      return new BotConnection(settings, bot, ingestor, backfill, options.apiBaseUrl, clients.budget, options.ingestMaxPending);
    });
  }

  onApplicationBootstrap(): void {
    for (const warning of this.options.settings.warnings) this.logger.warn({ msg: `RELAY_CONFIG: ${warning}` });
    if (this.connections.length === 0) this.logger.warn({ msg: 'RELAY_CONFIG enables no Discord bot: the relay ingests nothing' });
    for (const connection of this.connections) void connection.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.stop(this.options.shutdownDrainTimeoutMs)));
  }
}
