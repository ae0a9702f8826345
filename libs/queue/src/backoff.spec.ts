import { retryDelaySeconds } from './backoff';

describe('retryDelaySeconds', () => {
  it('doubles from the base on each attempt', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelaySeconds(n, 1, 900))).toEqual([1, 2, 4, 8, 16]);
  });

  it('is capped at the maximum', () => {
    expect(retryDelaySeconds(20, 1, 900)).toBe(900);
    expect(retryDelaySeconds(1000, 2, 900)).toBe(900);
  });
});
