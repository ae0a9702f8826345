import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { DeploymentCoordination, PrismaService } from '@discord-backbone/prisma';
import { observeGauges } from '@discord-backbone/telemetry';

/**
 * The relay's queue as operators watch it, read from Postgres at each metric collection:
 * `relay.deliveries` by backend bot and state (pending, leased, acked, dead) and
 * `relay.oldest_pending.age` (s) by backend bot — a backend that stopped polling shows here.
 */
@Injectable()
export class RelayMetrics implements OnModuleDestroy {
  private readonly stop: () => void;

  constructor(prisma: PrismaService, coordination: DeploymentCoordination) {
    this.stop = observeGauges(
      'relay',
      {
        'relay.deliveries': { description: 'Relay deliveries by backend bot and state', unit: '{delivery}' },
        'relay.oldest_pending.age': {
          description: 'Age of the oldest delivery waiting for its backend bot',
          unit: 's',
        },
      },
      async () => {
        const rows = await prisma.$queryRaw<
          { backend_bot_id: string; state: string; count: bigint; oldest_seconds: number | null }[]
        >`
          SELECT backend_bot_id, state::text AS state, count(*) AS count, extract(epoch FROM now() - min(created_at))::float8 AS oldest_seconds
          FROM relay_deliveries GROUP BY backend_bot_id, state`;
        return rows.flatMap((row) => [
          {
            gauge: 'relay.deliveries' as const,
            value: Number(row.count),
            attributes: { 'relay.backend_bot.id': row.backend_bot_id, 'relay.delivery.state': row.state },
          },
          ...(row.state === 'pending'
            ? [
                {
                  gauge: 'relay.oldest_pending.age' as const,
                  value: Math.max(0, row.oldest_seconds ?? 0),
                  attributes: { 'relay.backend_bot.id': row.backend_bot_id },
                },
              ]
            : []),
        ]);
      },
      // Read by one replica: every replica would report the same rows.
      { when: coordination.isGaugeReader },
    );
  }

  onModuleDestroy(): void {
    this.stop();
  }
}
