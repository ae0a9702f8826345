import { Counter, metrics } from '@opentelemetry/api';
import { routeTemplate } from './discord.errors';

let counters: { requests: Counter; rateLimits: Counter } | undefined;

/**
 * Every Discord answer, by route template (ids and tokens masked), method and status
 * (`discord.requests`), and the 429s among them by scope (`discord.rate_limits`). Called by
 * InvalidRequestBudget.watch, which sees every response of every client of the app.
 */
export function countDiscordResponse(method: string, route: string, status: number, scope: string | null): void {
  counters ??= {
    requests: metrics.getMeter('discord').createCounter('discord.requests', {
      description: 'Discord REST calls answered, by route and status',
      unit: '{request}',
    }),
    rateLimits: metrics
      .getMeter('discord')
      .createCounter('discord.rate_limits', { description: 'Discord 429 answers, by scope', unit: '{request}' }),
  };
  const attributes = {
    'http.request.method': method.toUpperCase(),
    'url.template': routeTemplate(route),
    'http.response.status_code': status,
  };
  counters.requests.add(1, attributes);
  if (status === 429) counters.rateLimits.add(1, { 'discord.rate_limit.scope': scope ?? 'user' });
}
