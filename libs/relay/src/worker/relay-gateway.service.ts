import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscordRestClientFactory } from '@discord-backbone/discord';
import { DeploymentCoordination, PrismaService } from '@discord-backbone/prisma';
import { DroppedMessages } from './dropped-messages';
import { GatewayBackfill } from './gateway-backfill';
import { DEFAULT_GATEWAY_LEASE_TIMING, GatewayLeadership } from './gateway-leadership';
import { MessageIngestor } from './message.ingestor';
import { RELAY_INGEST_OPTIONS, RelayIngestOptions } from './relay-ingest.options';

/**
 * The worker's `relay` consumer: for each enabled Discord bot, a bid for its gateway session
 * (GatewayLeadership: one replica of the deployment holds it), started once the app has started
 * (not awaited: a Discord outage must not hold the worker's other consumers) and closed before
 * Postgres disconnects at shutdown.
 */
@Injectable()
export class RelayGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RelayGateway.name);
  readonly bots: GatewayLeadership[];

  constructor(
    @Inject(RELAY_INGEST_OPTIONS) private readonly options: RelayIngestOptions,
    prisma: PrismaService,
    ingestor: MessageIngestor,
    clients: DiscordRestClientFactory,
    coordination: DeploymentCoordination,
  ) {
    const { settings } = options;
    this.bots = settings.discordBots.map((bot) => {
      const rest = clients.create({
        token: bot.token.reveal(),
        apiBaseUrl: options.apiBaseUrl,
        requestTimeoutMs: options.requestTimeoutMs,
      });
      const backfill = new GatewayBackfill(prisma, ingestor, rest, settings, bot, options.backfillMaxMessages);
      const context = {
        settings,
        bot,
        ingestor,
        backfill,
        coordination,
        budget: clients.budget,
        dropped: new DroppedMessages(),
        apiBaseUrl: options.apiBaseUrl,
        maxPending: options.ingestMaxPending,
      };
      return new GatewayLeadership(
        context,
        coordination,
        options.gatewayLease ?? DEFAULT_GATEWAY_LEASE_TIMING,
        options.shutdownDrainTimeoutMs,
      );
    });
  }

  onApplicationBootstrap(): void {
    for (const warning of this.options.settings.warnings) this.logger.warn({ msg: `RELAY_CONFIG: ${warning}` });
    if (this.bots.length === 0)
      this.logger.warn({ msg: 'RELAY_CONFIG enables no Discord bot: the relay ingests nothing' });
    for (const bot of this.bots) bot.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.bots.map((bot) => bot.stop()));
  }
}
