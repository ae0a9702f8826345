import { Logger } from '@nestjs/common';
import {
  DiscordInvalidRequestBudgetError,
  DiscordMissingPermissionsError,
  DiscordRateLimitedError,
  DiscordRestClient,
  InvalidRequestBudget,
  PostgresDiscordRateLimiter,
  PostgresInvalidRequestCount,
} from '@discord-backbone/discord';
import type { DiscordRateLimiter } from '@discord-backbone/discord';
import { FakeDiscord, startFakeDiscord } from '@discord-backbone/discord-standin';
import { PrismaService } from '@discord-backbone/prisma';
import { useTestInfra } from '../support/infra';

/**
 * Replicas as separate clients, each with its own Postgres pool, limiter and invalid-request
 * budget (what separate processes have), against the stand-in enforcing Discord's global limit
 * (50/s per token) and buckets (message sends: 5 per 5 s per channel).
 */
describe('Discord limits shared by replicas through Postgres', () => {
  const { prisma } = useTestInfra();
  let fake: FakeDiscord;
  const pools: PrismaService[] = [];

  const replica = (options: { shared?: boolean; budget?: number; maxWaitMs?: number } = {}) => {
    const pool = new PrismaService({ databaseUrl: process.env.TEST_DATABASE_URL!, poolSize: 4 });
    pools.push(pool);
    const shared = options.shared ?? true;
    const limiter: DiscordRateLimiter | undefined = shared
      ? new PostgresDiscordRateLimiter(pool, { globalRequestsPerSecond: 48, maxWaitMs: options.maxWaitMs ?? 1000 })
      : undefined;
    const budget = new InvalidRequestBudget(
      options.budget ?? 2000,
      Date.now,
      shared ? new PostgresInvalidRequestCount(pool, 'test') : undefined,
    );
    const client = new DiscordRestClient(
      { token: fake.token, apiBaseUrl: fake.apiUrl, requestTimeoutMs: 5000 },
      budget,
      limiter,
    );
    return { client, budget };
  };

  /** Sends as a queue consumer would: a rate-limited call goes back for its retry-after and is tried again. */
  const sendAll = async (client: DiscordRestClient, channels: string[]) => {
    let deferred = 0;
    await Promise.all(
      channels.map(async (channelId, i) => {
        for (;;) {
          try {
            return await client.sendMessage(channelId, { content: `m${i}` });
          } catch (error) {
            if (!(error instanceof DiscordRateLimitedError)) throw error;
            deferred++;
            await new Promise((resolve) => setTimeout(resolve, error.retryAfterSeconds * 1000));
          }
        }
      }),
    );
    return deferred;
  };

  beforeAll(async () => {
    fake = await startFakeDiscord();
    Logger.overrideLogger(false);
  });
  beforeEach(() => {
    fake.reset();
    fake.enforceRateLimits();
  });
  afterAll(async () => {
    Logger.overrideLogger(['log', 'error', 'warn']);
    await Promise.all(pools.map((pool) => pool.onApplicationShutdown()));
    await fake.close();
  });

  it('three replicas sending three times the global limit at once get no 429: requests leave at the deployment’s 48/s', async () => {
    const guildId = fake.addGuild().id;
    const channels = Array.from({ length: 30 }, () => fake.addChannel(guildId));
    const work = (offset: number) => Array.from({ length: 50 }, (_, i) => channels[(i + offset) % channels.length]);
    const replicas = [replica(), replica(), replica()];
    const started = Date.now();

    const deferred = await Promise.all(replicas.map((r, i) => sendAll(r.client, work(i * 10))));

    const seconds = (Date.now() - started) / 1000;
    expect(fake.rateLimits!.refused).toEqual({ global: 0, route: 0 });
    expect(fake.rateLimits!.accepted).toBe(150);
    expect(deferred.reduce((a, b) => a + b)).toBeGreaterThan(0); // some waited on their queue
    expect(seconds).toBeGreaterThan(150 / 50 - 1); // spaced, not all at once
    // Rows are keyed by the token's hash: the token itself is in no table.
    const rows = await prisma.$queryRaw<{ row: string }[]>`
      SELECT row_to_json(t)::text AS row FROM discord_rate_limits t UNION ALL SELECT row_to_json(t)::text FROM discord_rate_routes t UNION ALL SELECT row_to_json(t)::text FROM discord_rate_buckets t`;
    expect(rows.length).toBeGreaterThan(2);
    expect(rows.some((r) => r.row.includes(fake.token))).toBe(false);
  });

  it('without sharing, the same three replicas earn 429s (each process keeps 50/s to itself)', async () => {
    const guildId = fake.addGuild().id;
    const channels = Array.from({ length: 30 }, () => fake.addChannel(guildId));
    const work = (offset: number) => Array.from({ length: 50 }, (_, i) => channels[(i + offset) % channels.length]);
    const replicas = [replica({ shared: false }), replica({ shared: false }), replica({ shared: false })];

    await Promise.all(replicas.map((r, i) => sendAll(r.client, work(i * 10))));

    expect(fake.rateLimits!.refused.global).toBeGreaterThan(0);
  });

  it('keeps a channel’s bucket (5 per 5 s) across replicas: the first request learns it, the rest wait or go back to their queue', async () => {
    const channelId = fake.addChannel(fake.addGuild().id);
    const replicas = [replica(), replica(), replica()];

    await Promise.all(replicas.map((r) => sendAll(r.client, [channelId, channelId, channelId])));

    expect(fake.rateLimits!.refused).toEqual({ global: 0, route: 0 });
    expect(fake.rateLimits!.accepted).toBe(9);
  });

  it('lets a burst on a route not seen yet through with the API’s short wait (250 ms): the others go once the first request has learnt the bucket', async () => {
    const guildId = fake.addGuild().id;
    const replicas = [replica({ maxWaitMs: 250 }), replica({ maxWaitMs: 250 }), replica({ maxWaitMs: 250 })];

    const outcomes = await Promise.allSettled(
      replicas.flatMap((r) => Array.from({ length: 4 }, () => r.client.getGuild(guildId))),
    );

    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason))).toEqual([]);
    expect(fake.rateLimits!.refused).toEqual({ global: 0, route: 0 });
    expect(fake.rateLimits!.accepted).toBe(12);
  });

  it('shares a 429 Discord did answer: the other replicas hold back for its retry-after without sending', async () => {
    const guildId = fake.addGuild().id;
    const [a, b] = [replica(), replica()];
    const channelId = fake.addChannel(guildId);
    await a.client.sendMessage(channelId, { content: 'learns the bucket' });
    fake.failNext({ method: 'POST', path: /\/messages$/, status: 429, retryAfterSeconds: 3 });
    await expect(a.client.sendMessage(channelId, { content: 'refused' })).rejects.toBeInstanceOf(
      DiscordRateLimitedError,
    );
    const sent = fake.requests.length;

    const held = await b.client.sendMessage(channelId, { content: 'held' }).catch((error: unknown) => error);

    expect(held).toBeInstanceOf(DiscordRateLimitedError);
    expect((held as DiscordRateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(2);
    expect(fake.requests.length).toBe(sent);
  });

  it('counts invalid requests across replicas: three replicas with two 403s each spend a budget of 6 for all of them', async () => {
    const channelId = fake.addChannel(fake.addGuild().id);
    const replicas = [replica({ budget: 6 }), replica({ budget: 6 }), replica({ budget: 6 })];
    for (const r of replicas) {
      for (let i = 0; i < 2; i++) {
        fake.failNext({ method: 'POST', path: /\/messages$/, status: 403, code: 50013 });
        await expect(r.client.sendMessage(channelId, { content: 'refused' })).rejects.toBeInstanceOf(
          DiscordMissingPermissionsError,
        );
      }
    }
    for (const r of replicas) await r.budget.shareNow();
    for (const r of replicas) await r.budget.shareNow(); // the first replica reads back what the later ones added

    for (const r of replicas) {
      expect(r.budget.used()).toBe(6);
      expect(() => r.budget.assertAvailable()).toThrow(DiscordInvalidRequestBudgetError);
    }
    const sent = fake.requests.length;
    await expect(replicas[0].client.sendMessage(channelId, { content: 'held back' })).rejects.toBeInstanceOf(
      DiscordInvalidRequestBudgetError,
    );
    expect(fake.requests.length).toBe(sent);
  });
});
