import { DeploymentCoordination, PrismaService } from '@discord-backbone/prisma';
import { useTestInfra } from './support/infra';

/** Two replicas, as two Postgres clients with their own holder ids: what they agree on through Postgres. */
describe('deployment coordination through Postgres', () => {
  const { prisma } = useTestInfra();
  const replicas: PrismaService[] = [];
  const replica = () => {
    const client = new PrismaService({ databaseUrl: process.env.TEST_DATABASE_URL!, poolSize: 2 });
    replicas.push(client);
    return new DeploymentCoordination(client);
  };
  afterAll(async () => {
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

  it('keeps the database gauges to one reader at a time', async () => {
    await prisma.deploymentLease.deleteMany({ where: { name: 'database-gauges' } });
    const readers = await Promise.all([replica(), replica(), replica()].map((r) => r.isGaugeReader()));
    expect(readers.filter(Boolean)).toHaveLength(1);
  });
});

