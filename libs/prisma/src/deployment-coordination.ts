import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { BeforeApplicationShutdown, Inject, Injectable, Optional } from '@nestjs/common';
import { Client } from 'pg';
import { Prisma } from './generated/client';
import { PRISMA_OPTIONS, PrismaModuleOptions } from './prisma.options';
import { PrismaService } from './prisma.service';
import { backboneSearchPath, DEFAULT_BACKBONE_SCHEMA } from './schema/backbone-schema';

export interface LeaseState {
  held: boolean;
  /** Raised at every change of holder: a write carrying an older fence comes from a stale holder. */
  fence: bigint;
}

/** A holder's term of a lease: what its writes carry, to be refused once another holder has taken the lease over. */
export interface LeaseFence {
  name: string;
  holder: string;
  fence: bigint;
}

/**
 * A subquery with one row while `term` is still the lease's current one, for a write to join in
 * its own statement: nothing is written once another holder has raised the fence. The row is
 * locked FOR SHARE until the write commits, so a takeover waits for a write under way.
 */
export function fenceHolds(term: LeaseFence): Prisma.Sql {
  return Prisma.sql`SELECT 1 FROM deployment_leases WHERE name = ${term.name} AND holder = ${term.holder} AND fence = ${term.fence.toString()}::bigint FOR SHARE`;
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

  constructor(
    private readonly prisma: PrismaService,
    /** For leases bound to a session (openSessionLease), which get a connection of their own. */
    @Optional() @Inject(PRISMA_OPTIONS) private readonly options?: PrismaModuleOptions,
  ) {}

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
   * Claims `name` when its last claim, by any replica, is at least `gapMs` old (unlike claimRun,
   * exactly: for limits an outside party enforces). Returns 0 when claimed, else how many
   * milliseconds until the slot opens.
   */
  async claimSpaced(name: string, gapMs: number): Promise<number> {
    const gap = Prisma.sql`make_interval(secs => ${gapMs / 1000})`;
    const [row] = await this.prisma.sql<{ wait_ms: number }>(Prisma.sql`
      WITH claimed AS (
        INSERT INTO scheduled_runs (name, last_run_at) VALUES (${name}, now())
        ON CONFLICT (name) DO UPDATE SET last_run_at = now()
        WHERE scheduled_runs.last_run_at <= now() - ${gap}
        RETURNING 1
      )
      SELECT CASE WHEN EXISTS (SELECT 1 FROM claimed) THEN 0
             ELSE COALESCE(ceil(extract(epoch FROM (SELECT last_run_at FROM scheduled_runs WHERE name = ${name}) + ${gap} - now()) * 1000), ${gapMs}) END::int AS wait_ms`);
    return Math.max(0, row.wait_ms);
  }

  /**
   * A lease bound to a database connection of its own (see SessionLease), for a role two replicas
   * must never hold at once even for a moment: the relay's gateway sessions.
   */
  async openSessionLease(name: string, ttlMs: number): Promise<SessionLease> {
    if (!this.options) throw new Error('DeploymentCoordination needs the Prisma module options for session leases');
    const client = new Client({
      connectionString: this.options.databaseUrl,
      // Its statements name the lease table unqualified, as on the backbone's pool.
      options: `-c search_path=${backboneSearchPath(this.options.schema ?? DEFAULT_BACKBONE_SCHEMA)}`,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 5000,
      // A renewal that cannot finish well within the lease counts as failed: the holder steps down.
      query_timeout: Math.max(1000, Math.floor(ttlMs / 3)),
      keepAlive: true,
      keepAliveInitialDelayMillis: 5000,
      application_name: `lease ${name}`,
    });
    const lease = new SessionLease(client, name, this.holderId, ttlMs);
    await client.connect();
    return lease;
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

  /**
   * Gives the lease up (at shutdown), so another replica need not wait for it to expire. The row
   * stays, expired: the next holder's fence is still higher than every earlier one.
   */
  async releaseLease(name: string): Promise<void> {
    this.held.delete(name);
    await this.prisma.sql(
      Prisma.sql`UPDATE deployment_leases SET expires_at = '-infinity' WHERE name = ${name} AND holder = ${this.holderId}`,
    );
  }

  /** A replica that stops hands its leases over at once (before Postgres closes), not after they expire. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.held].map((name) => this.releaseLease(name).catch(() => undefined)));
  }
}

/**
 * A lease held through a database connection of its own, whose backend (pid and start time) the
 * lease row names: besides expiring, it is free as soon as that session is gone — its process
 * killed, its connection terminated — so another replica takes over at its next attempt. The
 * holder learns of a lost session at once (`lost`) and must then stop acting, as it must when a
 * renewal fails or finds the lease held by another term.
 */
export class SessionLease {
  /** Resolves (never rejects) when the connection breaks or closes: the lease can no longer be renewed. */
  readonly lost: Promise<Error>;
  private closed = false;

  constructor(
    private readonly client: Client,
    readonly name: string,
    readonly holder: string,
    private readonly ttlMs: number,
  ) {
    this.lost = new Promise((resolve) => {
      // Unheard, a broken connection's error would end the process.
      client.on('error', resolve);
      client.on('end', () => resolve(new Error('lease session closed')));
    });
  }

  /**
   * Takes or renews the lease for the ttl. A new term (another holder, or this one through another
   * session) raises the fence; a renewal keeps it.
   */
  async hold(): Promise<LeaseState> {
    const sameTerm = Prisma.sql`deployment_leases.holder = EXCLUDED.holder AND deployment_leases.holder_pid IS NOT DISTINCT FROM EXCLUDED.holder_pid`;
    const statement = Prisma.sql`
      INSERT INTO deployment_leases (name, holder, expires_at, holder_pid, holder_session_start)
      SELECT ${this.name}, ${this.holder}, now() + make_interval(secs => ${this.ttlMs / 1000}), pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()
      ON CONFLICT (name) DO UPDATE SET
        holder = EXCLUDED.holder,
        expires_at = EXCLUDED.expires_at,
        holder_pid = EXCLUDED.holder_pid,
        holder_session_start = EXCLUDED.holder_session_start,
        fence = deployment_leases.fence + CASE WHEN ${sameTerm} THEN 0 ELSE 1 END
      WHERE (${sameTerm})
         OR deployment_leases.expires_at < now()
         OR (deployment_leases.holder_pid IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM pg_stat_activity a WHERE a.pid = deployment_leases.holder_pid AND a.backend_start = deployment_leases.holder_session_start))
      RETURNING holder, fence::text AS fence`;
    const { rows } = await this.client.query<{ holder: string; fence: string }>(statement.text, statement.values);
    return rows[0]
      ? { held: rows[0].holder === this.holder, fence: BigInt(rows[0].fence) }
      : { held: false, fence: 0n };
  }

  /** Gives the lease up if this session holds it (it stays, expired: fences only grow) and closes the session. */
  async release(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.client.query(
        `UPDATE deployment_leases SET expires_at = '-infinity' WHERE name = $1 AND holder = $2 AND holder_pid = pg_backend_pid()`,
        [this.name, this.holder],
      );
    } finally {
      await this.client.end().catch(() => undefined);
    }
  }
}
