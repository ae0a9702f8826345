/**
 * Exponential backoff applied through the message's visibility timeout:
 * base · 2^(attempt-1), capped. Attempt 1 is the first receive.
 */
export function retryDelaySeconds(attempt: number, baseSeconds: number, maxSeconds: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(maxSeconds, baseSeconds * 2 ** Math.min(exponent, 30));
}
