import { DeploymentCoordination, PrismaService, SessionLease } from '@discord-backbone/prisma';
import { useTestInfra } from '../support/infra';

/** Two replicas, as two Postgres clients with their own holder ids: what they agree on through Postgres. */
describe('deployment coordination through Postgres', () => {
  const { prisma } = useTestInfra();
  const replicas: PrismaService[] = [];
  const sessions: SessionLease[] = [];
  const replica = () => {
    const options = { databaseUrl: process.env.TEST_DATABASE_URL!, poolSize: 2 };
    const client = new PrismaService(options);
    replicas.push(client);
    return new DeploymentCoordination(client, options);
  };
  const sessionLease = async (coordination: DeploymentCoordination, name: string, ttlMs: number) => {
    const lease = await coordination.openSessionLease(name, ttlMs);
    sessions.push(lease);
    return lease;
  };
  afterAll(async () => {
    for (const lease of sessions) await lease.release().catch(() => undefined);
    for (const client of replicas) await client.onApplicationShutdown();
  });

  it('runs a periodic job once per round across replicas, and again once the interval has passed', async () => {
    const [a, b, c] = [replica(), replica(), replica()];
    const round = () => Promise.all([a, b, c, a, b, c].map((r) => r.claimRun('test-job', 500)));
    expect((await round()).filter(Boolean)).toHaveLength(1);
    expect((await round()).filter(Boolean)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 500));
    expect((await round()).filter(Boolean)).toHaveLength(1);
  });

  it('lets one replica hold a lease; another takes it over only once it expired, with a higher fence, and the stale holder learns it lost it', async () => {
    const [a, b] = [replica(), replica()];
    const first = await a.holdLease('test-lease', 400);
    expect(first.held).toBe(true);
    expect((await b.holdLease('test-lease', 400)).held).toBe(false);
    expect(await a.holdLease('test-lease', 400)).toEqual({ held: true, fence: first.fence }); // a renewal keeps the fence
    await new Promise((r) => setTimeout(r, 450));
    const takeover = await b.holdLease('test-lease', 400);
    expect(takeover).toEqual({ held: true, fence: first.fence + 1n });
    expect((await a.holdLease('test-lease', 400)).held).toBe(false);
    await b.beforeApplicationShutdown(); // a replica that stops releases what it holds
    expect((await a.holdLease('test-lease', 400)).held).toBe(true); // no need to wait for expiry
  });

  it('keeps fences growing across a release: the next holder never reuses a stale one', async () => {
    const [a, b] = [replica(), replica()];
    const first = await a.holdLease('test-release', 60_000);
    await a.releaseLease('test-release');
    expect(await b.holdLease('test-release', 60_000)).toEqual({ held: true, fence: first.fence + 1n });
  });

  it("frees a session-bound lease as soon as its holder's database session is gone, long before it expires", async () => {
    const [a, b] = [replica(), replica()];
    const [leaseA, leaseB] = [
      await sessionLease(a, 'test-session', 60_000),
      await sessionLease(b, 'test-session', 60_000),
    ];
    const first = await leaseA.hold();
    expect(first.held).toBe(true);
    expect((await leaseB.hold()).held).toBe(false);
    expect(await leaseA.hold()).toEqual(first); // a renewal keeps the term

    const [row] = await prisma.$queryRaw<
      { pid: number }[]
    >`SELECT holder_pid AS pid FROM deployment_leases WHERE name = 'test-session'`;
    await prisma.$queryRaw`SELECT pg_terminate_backend(${row.pid}::int)`;
    expect(await leaseA.lost).toBeInstanceOf(Error); // the holder learns at once
    expect(await leaseB.hold()).toEqual({ held: true, fence: first.fence + 1n });

    // The old holder, back through a new session of its own, is a stale term: refused while B's session lives.
    const again = await sessionLease(a, 'test-session', 60_000);
    expect((await again.hold()).held).toBe(false);
    await leaseB.release();
    expect(await again.hold()).toEqual({ held: true, fence: first.fence + 2n });
  });

  it('spaces claims exactly across replicas, telling the others how long to wait', async () => {
    const [a, b, c] = [replica(), replica(), replica()];
    const waits = await Promise.all([a, b, c].map((r) => r.claimSpaced('test-identify', 1000)));
    expect(waits.filter((w) => w === 0)).toHaveLength(1);
    for (const wait of waits.filter((w) => w > 0)) expect(wait).toBeGreaterThan(800);
    await new Promise((r) => setTimeout(r, 900));
    expect(await b.claimSpaced('test-identify', 1000)).toBeGreaterThan(0); // 10% early is still too early
    await new Promise((r) => setTimeout(r, 150));
    expect(await b.claimSpaced('test-identify', 1000)).toBe(0);
  });

  it('keeps the database gauges to one reader at a time', async () => {
    await prisma.deploymentLease.deleteMany({ where: { name: 'database-gauges' } });
    const readers = await Promise.all([replica(), replica(), replica()].map((r) => r.isGaugeReader()));
    expect(readers.filter(Boolean)).toHaveLength(1);
  });
});
