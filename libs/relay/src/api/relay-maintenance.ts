import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DeploymentCoordination, PrismaService } from '@discord-backbone/prisma';
import { DeliveryStore } from './delivery.store';
import { RELAY_API_OPTIONS, RelayApiOptions } from './relay-api.options';

const INTERVAL_MS = 60_000;
/** Rows deleted per statement, so pruning never holds long locks. */
const BATCH = 5_000;

/**
 * Housekeeping on a schedule (once a minute across the deployment: every API replica ticks, the
 * one that claims the round in Postgres runs it; each step is idempotent anyway): deliveries
 * whose last lease expired unacked are declared dead, and acknowledged deliveries, messages left
 * without deliveries, outbound records and parked messages older than RELAY_RETENTION_HOURS are
 * deleted, with the rate limit's past windows. Dead deliveries are kept until redriven or acknowledged.
 */
@Injectable()
export class RelayMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RelayMaintenance.name);
  private timer?: NodeJS.Timeout;
  private round: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaService,
    private readonly coordination: DeploymentCoordination,
    private readonly deliveries: DeliveryStore,
    @Inject(RELAY_API_OPTIONS) private readonly options: RelayApiOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.round = this.runIfClaimed().catch((error: unknown) =>
        this.logger.warn({ msg: 'Relay maintenance failed; tried again in a minute', error: (error as Error).message }),
      );
    }, INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }

  /** This tick's round, if no other replica has run one within the interval. */
  async runIfClaimed(): Promise<void> {
    if (await this.coordination.claimRun('relay-maintenance', INTERVAL_MS)) await this.runOnce();
  }

  /** One round; returns what it did. */
  async runOnce(): Promise<{ dead: number; deliveries: number; messages: number; outbound: number; parked: number }> {
    let dead = 0;
    for (const backend of this.options.settings.backendBots) dead += await this.deliveries.markExhaustedDead(backend);
    const before = new Date(Date.now() - this.options.retentionHours * 3600_000);
    const deliveries = await this.prune(
      () =>
        this.prisma
          .$executeRaw`DELETE FROM relay_deliveries WHERE id IN (SELECT id FROM relay_deliveries WHERE state = 'acked' AND acked_at < ${before} LIMIT ${BATCH})`,
    );
    const messages = await this.prune(
      () =>
        this.prisma.$executeRaw`
        DELETE FROM relay_messages WHERE id IN (
          SELECT m.id FROM relay_messages m WHERE m.ingested_at < ${before} AND NOT EXISTS (SELECT 1 FROM relay_deliveries d WHERE d.message_id = m.id) LIMIT ${BATCH})`,
    );
    const outbound = await this.prune(
      () =>
        this.prisma
          .$executeRaw`DELETE FROM relay_outbound_messages WHERE id IN (SELECT id FROM relay_outbound_messages WHERE created_at < ${before} LIMIT ${BATCH})`,
    );
    const parked = await this.prune(
      () =>
        this.prisma.$executeRaw`
        DELETE FROM relay_parked_messages WHERE (discord_bot_id, discord_message_id) IN (
          SELECT discord_bot_id, discord_message_id FROM relay_parked_messages WHERE parked_at < ${before} LIMIT ${BATCH})`,
    );
    await this.prisma.$executeRaw`DELETE FROM relay_rate_windows WHERE window_start < now() - interval '2 minutes'`;
    if (dead + deliveries + messages + outbound + parked > 0)
      this.logger.log({ msg: 'Relay maintenance', dead, deliveries, messages, outbound, parked });
    return { dead, deliveries, messages, outbound, parked };
  }

  private async prune(step: () => Promise<number>): Promise<number> {
    let total = 0;
    for (let deleted = BATCH; deleted === BATCH; total += deleted) deleted = await step();
    return total;
  }
}
