import { rateLimitedRoute, rateLimitHeaders, tokenHash } from './discord-rate-limiter';

describe('rateLimitedRoute', () => {
  const hash = tokenHash('bot-token');

  it('buckets a route by method and shape, per major parameter, as @discordjs/rest does', () => {
    expect(rateLimitedRoute(hash, 'post', '/channels/123456789012345678/messages')).toEqual({
      tokenHash: hash,
      route: 'POST:/channels/:id/messages',
      majorParameter: '123456789012345678',
    });
    expect(
      rateLimitedRoute(hash, 'PUT', '/guilds/223456789012345678/members/323456789012345678/roles/423456789012345678'),
    ).toMatchObject({
      route: 'PUT:/guilds/:id/members/:id/roles/:id',
      majorParameter: '223456789012345678',
    });
    expect(rateLimitedRoute(hash, 'GET', '/users/@me')).toMatchObject({
      route: 'GET:/users/@me',
      majorParameter: 'global',
    });
  });

  it('keeps secrets out of keys: the token is hashed, a webhook token in a path too', () => {
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(hash).not.toContain('bot-token');
    const webhook = rateLimitedRoute(
      hash,
      'PATCH',
      '/webhooks/123456789012345678/secret-interaction-token/messages/@original',
    );
    expect(webhook.route).toBe('PATCH:/webhooks/:id/:token/messages/@original');
    expect(webhook.majorParameter).toMatch(/^webhook:[0-9a-f]{32}$/);
    expect(JSON.stringify(webhook)).not.toContain('secret-interaction-token');
  });
});

describe('rateLimitHeaders', () => {
  const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });

  it('reads a bucket’s state in milliseconds', () => {
    expect(
      rateLimitHeaders(
        200,
        headers({
          'x-ratelimit-bucket': 'abc',
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '4',
          'x-ratelimit-reset-after': '4.321',
        }),
      ),
    ).toEqual({
      status: 200,
      bucket: 'abc',
      limit: 5,
      remaining: 4,
      resetAfterMs: 4321,
      retryAfterMs: null,
      global: false,
    });
  });

  it('tells a global 429 from a bucket’s, with its retry-after', () => {
    expect(
      rateLimitHeaders(
        429,
        headers({ 'retry-after': '2', 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' }),
      ),
    ).toMatchObject({ global: true, retryAfterMs: 2000, bucket: null });
    expect(
      rateLimitHeaders(429, headers({ 'retry-after': '3', 'x-ratelimit-scope': 'user', 'x-ratelimit-bucket': 'abc' })),
    ).toMatchObject({ global: false, retryAfterMs: 3000 });
    expect(rateLimitHeaders(200, headers({ 'retry-after': '3' })).retryAfterMs).toBeNull();
  });
});
