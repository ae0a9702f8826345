import type { Prisma, PrismaService } from '@discord-backbone/prisma';
import type { RelayApiOptions } from './relay-api.options';
import { PostgresRelayRateLimiter, RATE_SYNC_MS } from './relay-rate-limiter';

/** Postgres' side of the limiter: one key's count in the current minute (no previous one), shared by every replica built on it. */
function sharedCount() {
  const db = { count: 0, statements: 0 };
  const prisma = {
    sql: async (statement: Prisma.Sql) => {
      db.statements += 1;
      await Promise.resolve(); // a round trip: other requests run meanwhile
      db.count += Number(statement.values.find((v) => typeof v === 'number'));
      return [{ current: db.count, previous: 0, elapsed: 1 }];
    },
  } as unknown as PrismaService;
  const replica = (rateLimitPerMinute: number) =>
    new PostgresRelayRateLimiter(prisma, { rateLimitPerMinute } as RelayApiOptions);
  return { db, replica };
}

const allowedOf = async (limiter: PostgresRelayRateLimiter, requests: number) =>
  (await Promise.all(Array.from({ length: requests }, () => limiter.take('backend:alpha')))).filter((d) => d.allowed)
    .length;

describe('PostgresRelayRateLimiter', () => {
  afterEach(() => jest.restoreAllMocks());

  it('counts every request in Postgres at once under a small limit: the limit is exact across replicas', async () => {
    const { db, replica } = sharedCount();
    const [a, b] = [replica(4), replica(4)];
    const decisions = [];
    for (const limiter of [a, b, a, b, a, b]) decisions.push(await limiter.take('backend:alpha'));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, false, false]);
    expect(decisions[4]).toMatchObject({ retryAfterSeconds: 59 });
    expect(db.statements).toBe(6);
  });

  it("far from a large limit, adds a replica's requests in a few statements, and counts every one of them", async () => {
    const { db, replica } = sharedCount();
    const limiter = replica(1_000_000);
    expect(await allowedOf(limiter, 2000)).toBe(2000);
    expect(db.statements).toBeLessThanOrEqual(1 + 2000 / 10_000); // the first request, then one per 1 % of the limit
    const later = Date.now() + RATE_SYNC_MS;
    jest.spyOn(Date, 'now').mockReturnValue(later);
    await limiter.take('backend:alpha'); // the count read is stale: this request adds them all
    expect(db.count).toBe(2001);
  });

  it('near the limit, decides on the shared count: replicas together pass it by at most their unsynced share', async () => {
    const { replica } = sharedCount();
    const [a, b] = [replica(1000), replica(1000)];
    const allowed = (await Promise.all([allowedOf(a, 800), allowedOf(b, 800)])).reduce((x, y) => x + y);
    expect(allowed).toBeGreaterThanOrEqual(1000 - 2 * 10);
    expect(allowed).toBeLessThanOrEqual(1000 + 10); // the other replica's unsynced share
  });
});
