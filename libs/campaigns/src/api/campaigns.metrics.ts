import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { DeploymentCoordination, PrismaService } from '@discord-backbone/prisma';
import { observeGauges } from '@discord-backbone/telemetry';

/** `campaigns` by status (running, completed, failed, rolling_back, rolled_back), read from Postgres at each collection. */
@Injectable()
export class CampaignsMetrics implements OnModuleDestroy {
  private readonly stop: () => void;

  constructor(prisma: PrismaService, coordination: DeploymentCoordination) {
    this.stop = observeGauges(
      'campaigns',
      { campaigns: { description: 'Campaigns by status', unit: '{campaign}' } },
      async () => {
        const rows = await prisma.$queryRaw<
          { status: string; count: bigint }[]
        >`SELECT status::text AS status, count(*) AS count FROM campaigns GROUP BY status`;
        return rows.map((row) => ({
          gauge: 'campaigns' as const,
          value: Number(row.count),
          attributes: { 'campaign.status': row.status },
        }));
      },
      // Read by one replica: every replica would report the same rows.
      { when: coordination.isGaugeReader },
    );
  }

  onModuleDestroy(): void {
    this.stop();
  }
}
