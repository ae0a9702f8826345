import type { DeploymentCoordination } from '@discord-backbone/prisma';
import { ClusterIdentifyThrottler, IDENTIFY_GAP_MS } from './identify.throttler';

function coordination(claims: Array<number | Error>): DeploymentCoordination & { slots: string[] } {
  const slots: string[] = [];
  return {
    slots,
    claimSpaced: jest.fn((slot: string, gapMs: number) => {
      expect(gapMs).toBe(IDENTIFY_GAP_MS);
      slots.push(slot);
      const next = claims.shift() ?? 0;
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    }),
  } as unknown as DeploymentCoordination & { slots: string[] };
}

describe('ClusterIdentifyThrottler', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("claims the bucket's slot (shard id modulo max concurrency) and waits its turn", async () => {
    const store = coordination([1200, 0]);
    const done = new ClusterIdentifyThrottler(store, 'bot-1', 4).waitForIdentify(5, new AbortController().signal);
    await jest.advanceTimersByTimeAsync(1200);
    await expect(done).resolves.toBeUndefined();
    expect(store.slots).toEqual(['relay-gateway-identify:bot-1:1', 'relay-gateway-identify:bot-1:1']);
  });

  it('retries a claim Postgres could not answer instead of throwing (which would make the shard identify unspaced)', async () => {
    const store = coordination([new Error('Connection terminated'), new Error('Connection terminated'), 0]);
    const done = new ClusterIdentifyThrottler(store, 'bot-1', 1).waitForIdentify(0, new AbortController().signal);
    await jest.advanceTimersByTimeAsync(500 + 1000);
    await expect(done).resolves.toBeUndefined();
    expect(store.slots).toHaveLength(3);
  });

  it('throws only when the shard aborts its wait', async () => {
    const store = coordination([new Error('Connection terminated'), new Error('Connection terminated')]);
    const abort = new AbortController();
    const done = new ClusterIdentifyThrottler(store, 'bot-1', 1).waitForIdentify(0, abort.signal);
    const outcome = expect(done).rejects.toThrow();
    await jest.advanceTimersByTimeAsync(100);
    abort.abort();
    await outcome;
  });
});
