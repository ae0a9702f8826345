import { DiscordInvalidRequestBudgetError, InvalidRequestBudget } from './invalid-request.budget';

describe('InvalidRequestBudget', () => {
  let now = 1_700_000_000_000;
  const clock = () => now;

  it('counts 401, 403 and non-shared 429 responses, nothing else', () => {
    const budget = new InvalidRequestBudget(100, clock);
    for (const [status, scope] of [[401, null], [403, null], [429, 'user'], [429, 'global'], [429, 'shared'], [404, null], [500, null], [200, null]] as const) budget.record(status, scope);
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
