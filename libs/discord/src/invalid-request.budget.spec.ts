import { DiscordInvalidRequestBudgetError, InvalidRequestBudget } from './invalid-request.budget';

describe('InvalidRequestBudget', () => {
  let now = 1_700_000_000_000;
  const clock = () => now;

  it('counts 401, 403 and non-shared 429 responses, nothing else', () => {
    const budget = new InvalidRequestBudget(100, clock);
    for (const [status, scope] of [
      [401, null],
      [403, null],
      [429, 'user'],
      [429, 'global'],
      [429, 'shared'],
      [404, null],
      [500, null],
      [200, null],
    ] as const)
      budget.record(status, scope);
    expect(budget.used()).toBe(4);
  });

  it('holds calls back at the threshold, for as long as it takes the oldest counts to leave the window', () => {
    const budget = new InvalidRequestBudget(3, clock);
    budget.record(403);
    now += 60_000;
    budget.record(403);
    budget.record(403);
    expect(() => budget.assertAvailable()).toThrow(DiscordInvalidRequestBudgetError);
    try {
      budget.assertAvailable();
    } catch (error) {
      // The first 403 leaves the window 9 minutes from now.
      expect((error as DiscordInvalidRequestBudgetError).retryAfterSeconds).toBe(540);
    }
    now += 540_000;
    expect(budget.used()).toBe(2);
    expect(() => budget.assertAvailable()).not.toThrow();
  });

  it('forgets everything older than 10 minutes, however long it was idle', () => {
    const budget = new InvalidRequestBudget(10, clock);
    for (let i = 0; i < 5; i++) budget.record(401);
    now += 10 * 60_000 + 1000;
    expect(budget.used()).toBe(0);
    now += 3 * 3600_000;
    budget.record(401);
    expect(budget.used()).toBe(1);
  });
});

describe('InvalidRequestBudget shared by the deployment', () => {
  let now = 1_700_000_000_000;
  const clock = () => now;

  /** The deployment's slots as Postgres would keep them (one slot per exchange here), with other replicas' counts in it. */
  const deployment = (others: number) => {
    const slots = [{ at: now, count: others }];
    return {
      exchange: jest.fn((add: number) => {
        if (add > 0) slots.push({ at: now, count: add });
        return Promise.resolve(slots.map((s) => ({ ageSeconds: (now - s.at) / 1000, count: s.count })));
      }),
    };
  };

  it('counts what the other replicas counted, and holds calls back once the deployment’s total reaches the threshold', async () => {
    const shared = deployment(8);
    const budget = new InvalidRequestBudget(10, clock, shared);
    budget.record(403);
    await budget.shareNow();
    expect(shared.exchange).toHaveBeenCalledWith(1);
    expect(budget.used()).toBe(9);
    budget.record(401);
    expect(budget.used()).toBe(10); // counted before it is shared
    expect(() => budget.assertAvailable()).toThrow(DiscordInvalidRequestBudgetError);
  });

  it('forgets the deployment’s counts as they leave the 10-minute window, without reading them again', async () => {
    const budget = new InvalidRequestBudget(10, clock, deployment(12));
    await budget.shareNow();
    expect(budget.exhausted()).toBe(true);
    try {
      budget.assertAvailable();
    } catch (error) {
      expect((error as DiscordInvalidRequestBudgetError).retryAfterSeconds).toBe(600);
    }
    now += 600_000;
    expect(budget.used()).toBe(0);
  });

  it('keeps counting its own while the deployment’s count cannot be reached, and sends them later', async () => {
    const shared = {
      exchange: jest.fn().mockRejectedValueOnce(new Error('Postgres unreachable')).mockResolvedValue([]),
    };
    const budget = new InvalidRequestBudget(10, clock, shared);
    budget.record(403);
    budget.record(403);
    await budget.shareNow();
    expect(budget.used()).toBe(2);
    expect(shared.exchange).toHaveBeenNthCalledWith(2, 2); // the failed one's count, sent again
  });
});
