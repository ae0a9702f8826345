import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { BatchObservableCallback, metrics, ObservableGauge } from '@opentelemetry/api';
import { PrismaService } from '@app/prisma';

/**
 * The relay's queue as operators watch it, read from Postgres at each metric collection:
 * `relay.deliveries` by backend bot and state (pending, leased, acked, dead) and
 * `relay.oldest_pending.age` (s) by backend bot — a backend that stopped polling shows here.
 */
@Injectable()
export class RelayMetrics implements OnModuleDestroy {
  private readonly logger = new Logger(RelayMetrics.name);
  private readonly meter = metrics.getMeter('relay');
  private readonly deliveries: ObservableGauge;
  private readonly oldest: ObservableGauge;
  private readonly observe: BatchObservableCallback;

  constructor(private readonly prisma: PrismaService) {
    this.deliveries = this.meter.createObservableGauge('relay.deliveries', { description: 'Relay deliveries by backend bot and state', unit: '{delivery}' });
    this.oldest = this.meter.createObservableGauge('relay.oldest_pending.age', { description: 'Age of the oldest delivery waiting for its backend bot', unit: 's' });
    this.observe = async (observer) => {
      try {
        const rows = await this.prisma.$queryRaw<{ backend_bot_id: string; state: string; count: bigint; oldest_seconds: number | null }[]>`
          SELECT backend_bot_id, state::text AS state, count(*) AS count,
                 extract(epoch FROM now() - min(created_at))::float8 AS oldest_seconds
          FROM relay_deliveries GROUP BY backend_bot_id, state`;
        for (const row of rows) {
          observer.observe(this.deliveries, Number(row.count), { 'relay.backend_bot.id': row.backend_bot_id, 'relay.delivery.state': row.state });
          if (row.state === 'pending') observer.observe(this.oldest, Math.max(0, row.oldest_seconds ?? 0), { 'relay.backend_bot.id': row.backend_bot_id });
        }
      } catch (error) {
        this.logger.warn({ msg: 'Relay metrics not read', error: error instanceof Error ? error.message : String(error) });
      }
    };
    this.meter.addBatchObservableCallback(this.observe, [this.deliveries, this.oldest]);
  }

  onModuleDestroy(): void {
    this.meter.removeBatchObservableCallback(this.observe, [this.deliveries, this.oldest]);
  }
}
