/**
 * Exponential backoff, the one formula for every retry wait: `base · 2^retry`, capped at `max`.
 * `retry` counts the waits before this one (0 for the first, which is `base`); any unit.
 */
export function exponentialBackoff(retry: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.min(Math.max(0, retry), 30));
}
