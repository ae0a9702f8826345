import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import { classifyError } from '@discord-backbone/queue';
import {
  DiscordInvalidRequestError,
  DiscordMissingPermissionsError,
  DiscordRateLimitedError,
  DiscordUnauthorizedError,
  DiscordUnavailableError,
  DiscordUnknownResourceError,
  isDiscordErrorCode,
  routeTemplate,
  toDiscordError,
} from './discord.errors';

const url = 'https://discord.com/api/v10/channels/1234567890123456789/threads';
const apiError = (status: number, code: number, message: string) =>
  new DiscordAPIError({ code, message }, code, status, 'POST', url, { body: {} });
const rateLimit = (overrides: Partial<ConstructorParameters<typeof RateLimitError>[0]> = {}) =>
  new RateLimitError({
    timeToReset: 30_000,
    limit: 5,
    method: 'POST',
    hash: 'abc',
    url,
    route: '/channels/1234567890123456789/threads',
    majorParameter: '1234567890123456789',
    global: false,
    retryAfter: 30_000,
    sublimitTimeout: 0,
    scope: 'user',
    ...overrides,
  });

describe('toDiscordError', () => {
  it.each([
    [403, 50013, 'Missing Permissions', DiscordMissingPermissionsError],
    [403, 50001, 'Missing Access', DiscordMissingPermissionsError],
    [403, 40001, 'Unauthorized', DiscordMissingPermissionsError],
    [404, 10003, 'Unknown Channel', DiscordUnknownResourceError],
    [404, 10004, 'Unknown Guild', DiscordUnknownResourceError],
    [404, 10007, 'Unknown Member', DiscordUnknownResourceError],
    [404, 10013, 'Unknown User', DiscordUnknownResourceError],
    [404, 0, '404: Not Found', DiscordUnknownResourceError],
    [400, 50035, 'Invalid Form Body', DiscordInvalidRequestError],
    [413, 40005, 'Request entity too large', DiscordInvalidRequestError],
  ])('%i code %i is permanent: %p', (status, code, message, type) => {
    const error = toDiscordError(apiError(status, code, message));
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({
      status,
      code,
      message: `Discord ${status} ${message} (code ${code}) on POST /channels/:id/threads`,
    });
    expect(classifyError(error)).toBe('permanent');
  });

  it('a rate limit is retried after its retry-after, rounded up to whole seconds', () => {
    const error = toDiscordError(rateLimit({ retryAfter: 2_300 }));
    expect(error).toBeInstanceOf(DiscordRateLimitedError);
    expect(error).toMatchObject({ retryAfterSeconds: 3, scope: 'user', global: false });
    expect(error.message).toBe('Discord rate limit (scope user) on POST /channels/:id/threads; retry after 3 s');
    expect(classifyError(error)).toBe('transient');
  });

  it('a rate limit without retry-after uses the time to reset, at least 1 s', () => {
    expect(toDiscordError(rateLimit({ retryAfter: 0, timeToReset: 4_500 }))).toMatchObject({ retryAfterSeconds: 5 });
    expect(toDiscordError(rateLimit({ retryAfter: 0, timeToReset: 20, global: true, scope: 'global' }))).toMatchObject({
      retryAfterSeconds: 1,
      message: 'Discord rate limit (scope global, global) on POST /channels/:id/threads; retry after 1 s',
    });
  });

  it('5xx, timeouts and socket errors are transient', () => {
    const http = toDiscordError(new HTTPError(503, 'Service Unavailable', 'GET', url, { body: undefined }));
    expect(http).toBeInstanceOf(DiscordUnavailableError);
    expect(http).toMatchObject({
      status: 503,
      message: 'Discord 503 Service Unavailable on GET /channels/:id/threads',
    });

    const timeout = toDiscordError(new DOMException('This operation was aborted', 'AbortError'));
    expect(timeout).toBeInstanceOf(DiscordUnavailableError);
    const refused = toDiscordError(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    );
    expect(refused).toBeInstanceOf(DiscordUnavailableError);
    expect(classifyError(refused)).toBe('transient');
  });

  it('a 401 (the bot token is rejected) is transient, retried after minutes: no message is at fault', () => {
    const error = toDiscordError(apiError(401, 0, '401: Unauthorized'));
    expect(error).toBeInstanceOf(DiscordUnauthorizedError);
    expect(error).toMatchObject({
      status: 401,
      retryAfterSeconds: 300,
      message: 'Discord 401 401: Unauthorized (code 0) on POST /channels/:id/threads: the bot token is rejected',
    });
    expect(classifyError(error)).toBe('transient');
  });

  it('after a 401 @discordjs/rest refuses to send: the same transient error', () => {
    const error = toDiscordError(new Error('Expected token to be set for this request, but none was present'));
    expect(error).toBeInstanceOf(DiscordUnauthorizedError);
    expect(error).toMatchObject({ status: 401, retryAfterSeconds: 300 });
    expect(classifyError(error)).toBe('transient');
  });

  it('leaves other errors, and errors already converted, alone', () => {
    const bug = new TypeError('x is undefined');
    expect(toDiscordError(bug)).toBe(bug);
    const converted = toDiscordError(apiError(404, 10003, 'Unknown Channel'));
    expect(toDiscordError(converted)).toBe(converted);
  });
});

describe('isDiscordErrorCode', () => {
  it('reads the code of raw and converted errors', () => {
    const raw = apiError(404, 10007, 'Unknown Member');
    expect(isDiscordErrorCode(raw, 10007)).toBe(true);
    expect(isDiscordErrorCode(toDiscordError(raw), 10007)).toBe(true);
    expect(isDiscordErrorCode(toDiscordError(raw), 10003)).toBe(false);
    expect(isDiscordErrorCode(new Error('x'), 10007)).toBe(false);
  });
});

describe('routeTemplate', () => {
  it('names routes without ids', () => {
    expect(routeTemplate('/channels/123456789012345678/threads')).toBe('/channels/:id/threads');
    expect(
      routeTemplate('https://discord.com/api/v10/guilds/123456789012345678/members/223456789012345678?limit=5'),
    ).toBe('/guilds/:id/members/:id');
  });

  it('never carries a webhook or interaction token', () => {
    const token = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZg-_x';
    const routes = [
      `/webhooks/123456789012345678/${token}`,
      `/webhooks/123456789012345678/${token}/messages/@original`,
      `https://discord.com/api/v10/webhooks/123456789012345678/${token}/messages/223456789012345678?wait=true`,
      `/interactions/123456789012345678/${token}/callback`,
    ];
    for (const route of routes) expect(routeTemplate(route)).not.toContain(token);
    expect(routes.map(routeTemplate)).toEqual([
      '/webhooks/:id/:token',
      '/webhooks/:id/:token/messages/@original',
      '/webhooks/:id/:token/messages/:id',
      '/interactions/:id/:token/callback',
    ]);
  });

  it('reads the route as Discord documents it, and masks a token however it looks', () => {
    expect(routeTemplate('/webhooks/123456789012345678/aW50ZXJhY3Rpb24/messages/%40original')).toBe(
      '/webhooks/:id/:token/messages/@original',
    );
    expect(routeTemplate('/webhooks/123456789012345678/987654321')).toBe('/webhooks/:id/:token');
  });

  it('keeps the token out of converted errors, their messages and causes', () => {
    const token = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTpzZWNyZXQ';
    const webhookUrl = `https://discord.com/api/v10/webhooks/123456789012345678/${token}/messages/@original`;
    const errors = [
      toDiscordError(
        new DiscordAPIError({ code: 50027, message: 'Invalid Webhook Token' }, 50027, 401, 'PATCH', webhookUrl, {
          body: {},
        }),
      ),
      toDiscordError(new HTTPError(502, 'Bad Gateway', 'PATCH', webhookUrl, { body: undefined })),
      toDiscordError(rateLimit({ url: webhookUrl, method: 'PATCH' })),
    ];
    for (const error of errors) {
      expect(error.message).toContain('/webhooks/:id/:token/messages/@original');
      expect(JSON.stringify({ ...error, message: error.message, cause: error.cause })).not.toContain(token);
    }
  });
});
