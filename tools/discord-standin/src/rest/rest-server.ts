import type { IncomingMessage, ServerResponse } from 'node:http';
import { Reply } from '../reply';
import type { RecordedRequest } from '../world/shapes';
import type { FakeWorld } from '../world/world';
import { FaultInjector, faultReply, requestMatcher } from './faults';
import { StandinRateLimits } from './rate-limits';
import { answer, Route } from './route';

/**
 * Discord's REST API (`/api/v10/…`) over the world: records each request, applies what the tests
 * injected (latency, faults, hangs, holds, lost answers), authenticates (a bot token, an OAuth2
 * token for `/users/@me`, or the interaction token in a webhook's path) and answers from the routes.
 */
export class RestServer {
  readonly requests: RecordedRequest[] = [];
  /** Added to every answer: a Discord at a fixed distance. */
  latencyMs = 0;
  /** Keep every request in `requests` (tests read them; a long-running stand-in turns it off). */
  recordRequests = true;
  /** Told of every answer sent (the stand-in logs them). */
  onAnswer?: (answer: { method: string; path: string; status: number }) => void;
  /** Discord's global limit and route buckets, once enforced; unset, every request goes through. */
  rateLimits?: StandinRateLimits;

  constructor(
    private readonly world: FakeWorld,
    private readonly faults: FaultInjector,
    /** Routes for bot tokens. */
    private readonly routes: Route[],
    /** Routes authenticated by the token in their path. */
    private readonly webhookRoutes: Route<undefined>[],
  ) {}

  reset(): void {
    this.requests.length = 0;
    this.latencyMs = 0;
    this.rateLimits = undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const method = req.method ?? 'GET';
    const body: unknown = text ? JSON.parse(text) : undefined;
    if (this.recordRequests) this.requests.push({ method, path, body, headers: req.headers });
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));

    const matches = requestMatcher(method, path, text);
    if (this.faults.takeHang(matches)) return;
    const held = this.faults.takeHold(matches);
    if (held) await held;
    // Webhook routes are authenticated by the token in their path, not by a bot token.
    const webhook = path.startsWith('/webhooks/');
    let reply: Reply;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const bot = /^Bot (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const botAccount = bot === undefined ? undefined : this.world.botByToken(bot);
    if (bearer !== undefined && method === 'GET' && path === '/users/@me') {
      // A user's OAuth2 token: only the user it was issued to, nothing else.
      const userId = this.world.oauthUser(bearer);
      reply = userId
        ? new Reply(200, this.world.person(userId))
        : new Reply(401, { message: '401: Unauthorized', code: 0 });
    } else if (!botAccount && !webhook) {
      reply = new Reply(401, { message: '401: Unauthorized', code: 0 });
    } else {
      const fault = this.faults.takeFault(matches);
      if (fault) reply = faultReply(fault, bucketOf(method, path));
      else if (botAccount && !webhook) {
        const limits = this.rateLimits?.take(bot!, method, path, bucketOf(method, path));
        if (limits?.refused) reply = new Reply(limits.refused.status, limits.refused.body, limits.refused.headers);
        else {
          reply = answer(this.routes, method, path, body, { bot: botAccount, query: url.searchParams });
          if (limits) Object.assign(reply.headers, limits.headers);
        }
      } else reply = answer(this.webhookRoutes, method, path, body, undefined);
    }
    if (this.faults.takeLostAnswer(matches)) return;
    send(res, reply, bucketOf(method, path));
    try {
      this.onAnswer?.({ method, path: path || '/', status: reply.status });
    } catch {
      // An observer's failure is not the request's: it has been answered.
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** One bucket per method and route shape, as Discord's x-ratelimit-bucket hashes roughly are. */
function bucketOf(method: string, path: string): string {
  return Buffer.from(`${method} ${path.replace(/\d+/g, ':id')}`).toString('base64url');
}

export function send(res: ServerResponse, reply: Reply, bucket: string): void {
  // Benign rate-limit headers, so the client never thinks a bucket is nearly empty: 49 left of 50
  // in fixed one-second windows aligned to the clock. Fixed, as Discord's are: a client that counts
  // its own requests (the shared limiter) sees a new window each second, where a window that
  // restarted at every answer would never end and its count would run out at 50 requests.
  const now = Date.now();
  const resetAt = (Math.floor(now / 1000) + 1) * 1000;
  const headers: Record<string, string> = {
    'x-ratelimit-limit': '50',
    'x-ratelimit-remaining': '49',
    'x-ratelimit-reset': (resetAt / 1000).toFixed(3),
    'x-ratelimit-reset-after': ((resetAt - now) / 1000).toFixed(3),
    'x-ratelimit-bucket': bucket,
    ...reply.headers,
  };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
  } else {
    res.writeHead(reply.status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  }
}
