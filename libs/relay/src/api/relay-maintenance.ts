import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PrismaService } from '@app/prisma';
import { DeliveryStore } from './delivery.store';
import { RELAY_API_OPTIONS, RelayApiOptions } from './relay-api.options';

const INTERVAL_MS = 60_000;
/** Rows deleted per statement, so pruning never holds long locks. */
const BATCH = 5_000;

/**
 * Housekeeping on a schedule (every minute, in each API replica; each step is idempotent):
 * deliveries whose last lease expired unacked are declared dead, and acknowledged deliveries,
 * messages left without deliveries and outbound records older than RELAY_RETENTION_HOURS are
 * deleted. Dead deliveries are kept until redriven or acknowledged.
 */
@Injectable()
export class RelayMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RelayMaintenance.name);
  private timer?: NodeJS.Timeout;
  private round: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaService,
    private readonly deliveries: DeliveryStore,
    @Inject(RELAY_API_OPTIONS) private readonly options: RelayApiOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.round = this.runOnce().catch((error: unknown) => this.logger.warn({ msg: 'Relay maintenance failed; tried again in a minute', error: (error as Error).message }));
    }, INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }

  /** One round; returns what it did. */
  async runOnce(): Promise<{ dead: number; deliveries: number; messages: number; outbound: number }> {
    let dead = 0;
    for (const backend of this.options.settings.backendBots) dead += await this.deliveries.markExhaustedDead(backend);
    const before = new Date(Date.now() - this.options.retentionHours * 3600_000);
    const deliveries = await this.prune(() =>
      this.prisma.$executeRaw`DELETE FROM relay_deliveries WHERE id IN (SELECT id FROM relay_deliveries WHERE state = 'acked' AND acked_at < ${before} LIMIT ${BATCH})`,
    );
    const messages = await this.prune(() =>
      this.prisma.$executeRaw`
        DELETE FROM relay_messages WHERE id IN (
          SELECT m.id FROM relay_messages m WHERE m.ingested_at < ${before} AND NOT EXISTS (SELECT 1 FROM relay_deliveries d WHERE d.message_id = m.id) LIMIT ${BATCH})`,
    );
    const outbound = await this.prune(() =>
      this.prisma.$executeRaw`DELETE FROM relay_outbound_messages WHERE id IN (SELECT id FROM relay_outbound_messages WHERE created_at < ${before} LIMIT ${BATCH})`,
    );
    if (dead + deliveries + messages + outbound > 0) this.logger.log({ msg: 'Relay maintenance', dead, deliveries, messages, outbound });
    return { dead, deliveries, messages, outbound };
  }

  private async prune(step: () => Promise<number>): Promise<number> {
    let total = 0;
    for (let deleted = BATCH; deleted === BATCH; total += deleted) deleted = await step();
    return total;
  }
}
