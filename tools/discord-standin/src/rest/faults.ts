import { discordError, Reply } from '../reply';
import type { Fault, RequestMatch } from '../world/shapes';

/** Whether a request (method, path, body as sent) is one a RequestMatch names. */
export type RequestMatcher = (match: RequestMatch) => boolean;

export const requestMatcher =
  (method: string, path: string, text: string): RequestMatcher =>
  (m) =>
    (m.method === undefined || m.method === method) && m.path.test(path) && (m.body === undefined || m.body.test(text));

/** What the tests inject into the REST API: errors, hangs, lost answers and held requests, each for the next matching request(s). */
export class FaultInjector {
  private faults: (Fault & { remaining: number })[] = [];
  private hangs: RequestMatch[] = [];
  private lostAnswers: RequestMatch[] = [];
  private holds: { match: RequestMatch; released: Promise<void> }[] = [];

  reset(): void {
    this.faults = [];
    this.hangs = [];
    this.lostAnswers = [];
    this.holds = [];
  }

  /** The next `times` requests matching method and path get this error instead of an answer. */
  failNext(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** The next request matching never gets an answer (until close): for timeouts. */
  hangNext(match: RequestMatch): void {
    this.hangs.push(match);
  }

  /**
   * The next request matching is carried out, but its answer never arrives (until close): a call
   * that succeeded on Discord while the caller stopped waiting, as when a worker dies between
   * Discord's create and its own record of it.
   */
  loseNextAnswer(match: RequestMatch): void {
    this.lostAnswers.push(match);
  }

  /**
   * The next request matching waits until the returned function is called, then is carried out
   * and answered: a call that lands on Discord late, after calls made after it (recorded in
   * `requests` when it arrives).
   */
  holdNext(match: RequestMatch): () => void {
    let release = () => {};
    this.holds.push({ match, released: new Promise<void>((resolve) => (release = resolve)) });
    return () => release();
  }

  /** Whether this request is to hang (used up). */
  takeHang(matches: RequestMatcher): boolean {
    return take(this.hangs, matches);
  }

  /** What this request waits for before it is carried out, if it is held (used up). */
  takeHold(matches: RequestMatcher): Promise<void> | undefined {
    const index = this.holds.findIndex((h) => matches(h.match));
    return index >= 0 ? this.holds.splice(index, 1)[0].released : undefined;
  }

  /** The error this request gets instead of an answer, if any (one of its `times` used up). */
  takeFault(matches: RequestMatcher): Fault | undefined {
    const fault = this.faults.find(matches);
    if (fault && --fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  /** Whether this request's answer is to be lost (used up). */
  takeLostAnswer(matches: RequestMatcher): boolean {
    return take(this.lostAnswers, matches);
  }
}

function take(list: RequestMatch[], matches: RequestMatcher): boolean {
  const index = list.findIndex(matches);
  if (index >= 0) list.splice(index, 1);
  return index >= 0;
}

/** An injected fault as Discord would answer it: a 429 with its rate-limit headers, a 5xx, or a Discord error. */
export function faultReply(fault: Fault, bucket: string): Reply {
  if (fault.status === 429) {
    const seconds = fault.retryAfterSeconds ?? 1;
    return new Reply(
      429,
      { message: fault.message ?? 'You are being rate limited.', retry_after: seconds, global: false },
      {
        'retry-after': String(Math.ceil(seconds)),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': String(seconds),
        'x-ratelimit-bucket': bucket,
        'x-ratelimit-scope': 'user',
      },
    );
  }
  if (fault.status >= 500)
    return new Reply(fault.status, { message: fault.message ?? '500: Internal Server Error', code: fault.code ?? 0 });
  return discordError(
    fault.status,
    fault.code ?? 0,
    fault.message ?? (fault.status === 403 ? 'Missing Permissions' : 'Error'),
  );
}
