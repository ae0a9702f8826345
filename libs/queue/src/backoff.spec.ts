import { exponentialBackoff } from './backoff';

describe('exponentialBackoff', () => {
  it('doubles from the base on each retry, the first wait being the base', () => {
    expect([0, 1, 2, 3, 4].map((n) => exponentialBackoff(n, 1, 900))).toEqual([1, 2, 4, 8, 16]);
    expect([0, 1, 2].map((n) => exponentialBackoff(n, 500, 30_000))).toEqual([500, 1000, 2000]);
  });

  it('is capped at the maximum', () => {
    expect(exponentialBackoff(19, 1, 900)).toBe(900);
    expect(exponentialBackoff(999, 2, 900)).toBe(900);
    expect(exponentialBackoff(5, 1000, 15_000)).toBe(15_000);
  });

  it('treats a negative retry as the first', () => {
    expect(exponentialBackoff(-1, 10, 900)).toBe(10);
  });
});
