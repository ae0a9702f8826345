import { discordError, Reply } from '../reply';
import type { FakeBot } from '../world/shapes';

/** What a bot-authenticated request carries besides its path and body. */
interface RequestContext {
  /** The bot whose token authenticated the request. */
  bot: FakeBot;
  query: URLSearchParams;
}

/** A method, a path pattern (its groups are the handler's params) and what answers it. */
export type Route<C = RequestContext> = [
  method: string,
  pattern: RegExp,
  handler: (params: string[], body: Record<string, unknown>, context: C) => Reply,
];

/** The answer of the first route matching; a Reply thrown by the handler is the answer too. Unknown routes are 404. */
export function answer<C>(routes: Route<C>[], method: string, path: string, body: unknown, context: C): Reply {
  for (const [m, pattern, handler] of routes) {
    const match = m === method ? pattern.exec(path) : null;
    if (!match) continue;
    try {
      return handler(match.slice(1), (body ?? {}) as Record<string, unknown>, context);
    } catch (thrown) {
      if (thrown instanceof Reply) return thrown;
      throw thrown;
    }
  }
  return discordError(404, 0, '404: Not Found');
}
