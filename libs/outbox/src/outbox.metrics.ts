import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { BatchObservableCallback, metrics, ObservableGauge } from '@opentelemetry/api';
import { PrismaService } from '@app/prisma';

/**
 * The outbox as operators watch it, read from Postgres at each metric collection:
 * `outbox.messages.waiting` (unsent, by destination), `outbox.oldest_message.age` (s, the oldest
 * unsent one's age: a stuck SQS shows here first) and `outbox.messages.rejected` (parked: SQS
 * refused them for their content).
 */
@Injectable()
export class OutboxMetrics implements OnModuleDestroy {
  private readonly logger = new Logger(OutboxMetrics.name);
  private readonly meter = metrics.getMeter('outbox');
  private readonly waiting: ObservableGauge;
  private readonly oldest: ObservableGauge;
  private readonly rejected: ObservableGauge;
  private readonly observe: BatchObservableCallback;

  constructor(private readonly prisma: PrismaService) {
    this.waiting = this.meter.createObservableGauge('outbox.messages.waiting', { description: 'Outbox messages not sent yet', unit: '{message}' });
    this.oldest = this.meter.createObservableGauge('outbox.oldest_message.age', { description: 'Age of the oldest unsent outbox message', unit: 's' });
    this.rejected = this.meter.createObservableGauge('outbox.messages.rejected', { description: 'Outbox messages SQS refused for their content (parked)', unit: '{message}' });
    this.observe = async (observer) => {
      try {
        const rows = await this.prisma.$queryRaw<{ destination: string; waiting: bigint; rejected: bigint; oldest_seconds: number | null }[]>`
          SELECT destination,
                 count(*) FILTER (WHERE rejected_at IS NULL) AS waiting,
                 count(*) FILTER (WHERE rejected_at IS NOT NULL) AS rejected,
                 extract(epoch FROM now() - min(created_at) FILTER (WHERE rejected_at IS NULL))::float8 AS oldest_seconds
          FROM outbox_messages WHERE sent_at IS NULL GROUP BY destination`;
        for (const row of rows) {
          const attributes = { 'messaging.destination.name': row.destination };
          observer.observe(this.waiting, Number(row.waiting), attributes);
          observer.observe(this.rejected, Number(row.rejected), attributes);
          observer.observe(this.oldest, Math.max(0, row.oldest_seconds ?? 0), attributes);
        }
      } catch (error) {
        this.logger.warn({ msg: 'Outbox metrics not read', error: error instanceof Error ? error.message : String(error) });
      }
    };
    this.meter.addBatchObservableCallback(this.observe, [this.waiting, this.oldest, this.rejected]);
  }

  onModuleDestroy(): void {
    this.meter.removeBatchObservableCallback(this.observe, [this.waiting, this.oldest, this.rejected]);
  }
}
