import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Prisma } from './generated/client';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { PrismaService } from './prisma.service';

export interface LeaseState {
  held: boolean;
  /** Raised at every change of holder: a write carrying an older fence comes from a stale holder. */
  fence: bigint;
}

/**
 * What several replicas of an app agree on through Postgres, without a coordinator of their own:
 * a periodic job run once per round across the deployment (`claimRun`), and a role held by one
 * replica at a time (`holdLease`). Both are single statements on rows that expire by time, so a
 * replica that dies holds nothing for longer than its interval or lease.
 */
@Injectable()
export class DeploymentCoordination implements BeforeApplicationShutdown {
  /** This replica, as lease holders are named (host, pid and a random part: a restarted pid is another holder). */
  readonly holderId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly held = new Set<string>();

  constructor(private readonly prisma: PrismaService) {}

  /**
   * True for exactly one caller per `everyMs` across every replica: the one whose claim finds the
   * last run at least that long ago. Callers tick at that interval; a claim counts 10% less, so a
   * replica's timer drifting a little late does not skip a round.
   */
  async claimRun(name: string, everyMs: number): Promise<boolean> {
    const rows = await this.prisma.sql<{ claimed: number }>(Prisma.sql`
      INSERT INTO scheduled_runs (name, last_run_at) VALUES (${name}, now())
      ON CONFLICT (name) DO UPDATE SET last_run_at = now()
      WHERE scheduled_runs.last_run_at <= now() - make_interval(secs => ${(everyMs * 0.9) / 1000})
      RETURNING 1 AS claimed`);
    return rows.length > 0;
  }

  /**
   * Takes or renews the lease `name` for `ttlMs`: held by this process when it held it already or
   * the last holder's lease has expired. Renew well within `ttlMs` (a third of it, say); a holder
   * that cannot renew must stop acting at once.
   */
  async holdLease(name: string, ttlMs: number): Promise<LeaseState> {
    const [row] = await this.prisma.sql<{ holder: string; fence: string }>(Prisma.sql`
      INSERT INTO deployment_leases (name, holder, expires_at) VALUES (${name}, ${this.holderId}, now() + make_interval(secs => ${ttlMs / 1000}))
      ON CONFLICT (name) DO UPDATE SET
        holder = EXCLUDED.holder,
        expires_at = EXCLUDED.expires_at,
        fence = deployment_leases.fence + CASE WHEN deployment_leases.holder = EXCLUDED.holder THEN 0 ELSE 1 END
      WHERE deployment_leases.holder = EXCLUDED.holder OR deployment_leases.expires_at < now()
      RETURNING holder, fence::text AS fence`);
    const state = row ? { held: row.holder === this.holderId, fence: BigInt(row.fence) } : { held: false, fence: 0n };
    if (state.held) this.held.add(name);
    else this.held.delete(name);
    return state;
  }

  /**
   * Whether this replica reports the gauges read from Postgres (what every replica would read
   * alike): one replica at a time holds the lease, renewed at each collection; when it stops,
   * another takes over within the lease's 90 s.
   */
  readonly isGaugeReader = async (): Promise<boolean> => (await this.holdLease('database-gauges', 90_000)).held;

  /** Gives the lease up (at shutdown), so another replica need not wait for it to expire. */
  async releaseLease(name: string): Promise<void> {
    this.held.delete(name);
    await this.prisma.sql(Prisma.sql`DELETE FROM deployment_leases WHERE name = ${name} AND holder = ${this.holderId}`);
  }

  /** A replica that stops hands its leases over at once (before Postgres closes), not after they expire. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.held].map((name) => this.releaseLease(name).catch(() => undefined)));
  }
}
