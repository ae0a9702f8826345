import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { DeploymentCoordination, PrismaService } from '@discord-backbone/prisma';
import { observeGauges } from '@discord-backbone/telemetry';

/**
 * The outbox as operators watch it, read from Postgres at each metric collection:
 * `outbox.messages.waiting` (unsent, by destination), `outbox.oldest_message.age` (s, the oldest
 * unsent one's age: a stuck SQS shows here first) and `outbox.messages.rejected` (parked: SQS
 * refused them for their content).
 */
@Injectable()
export class OutboxMetrics implements OnModuleDestroy {
  private readonly stop: () => void;

  constructor(prisma: PrismaService, coordination: DeploymentCoordination) {
    this.stop = observeGauges(
      'outbox',
      {
        'outbox.messages.waiting': { description: 'Outbox messages not sent yet', unit: '{message}' },
        'outbox.oldest_message.age': { description: 'Age of the oldest unsent outbox message', unit: 's' },
        'outbox.messages.rejected': {
          description: 'Outbox messages SQS refused for their content (parked)',
          unit: '{message}',
        },
      },
      async () => {
        const rows = await prisma.$queryRaw<
          { destination: string; waiting: bigint; rejected: bigint; oldest_seconds: number | null }[]
        >`
          SELECT destination,
                 count(*) FILTER (WHERE rejected_at IS NULL) AS waiting,
                 count(*) FILTER (WHERE rejected_at IS NOT NULL) AS rejected,
                 extract(epoch FROM now() - min(created_at) FILTER (WHERE rejected_at IS NULL))::float8 AS oldest_seconds
          FROM outbox_messages WHERE sent_at IS NULL GROUP BY destination`;
        return rows.flatMap((row) => {
          const attributes = { 'messaging.destination.name': row.destination };
          return [
            { gauge: 'outbox.messages.waiting' as const, value: Number(row.waiting), attributes },
            { gauge: 'outbox.messages.rejected' as const, value: Number(row.rejected), attributes },
            { gauge: 'outbox.oldest_message.age' as const, value: Math.max(0, row.oldest_seconds ?? 0), attributes },
          ];
        });
      },
      // Read by one replica: every replica would report the same rows.
      { when: coordination.isGaugeReader },
    );
  }

  onModuleDestroy(): void {
    this.stop();
  }
}
