import { DISCORD_RATE_LIMIT_RULES, StandinRateLimits } from './rate-limits';

describe('StandinRateLimits', () => {
  let now = 1_700_000_000_000;
  const limits = () => new StandinRateLimits(DISCORD_RATE_LIMIT_RULES, () => now);
  const channel = (n: number) => `/channels/1000000000000000${String(n).padStart(2, '0')}/messages`;

  it('refuses the 51st request of a token within a second, with a global 429, and lets it through once the second has passed', () => {
    const l = limits();
    for (let i = 0; i < 50; i++)
      expect(
        l.take('t', 'GET', `/channels/1000000000000000${String(i).padStart(2, '0')}`, 'b').refused,
      ).toBeUndefined();
    const refused = l.take('t', 'GET', '/channels/100000000000000099', 'b').refused;
    expect(refused).toMatchObject({
      status: 429,
      headers: { 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global', 'retry-after': '1' },
    });
    expect(l.take('other-token', 'GET', '/channels/100000000000000099', 'b').refused).toBeUndefined(); // per token
    now += 1000;
    expect(l.take('t', 'GET', '/channels/100000000000000099', 'b').refused).toBeUndefined();
    expect(l.refused).toEqual({ global: 1, route: 0 });
    expect(l.accepted).toBe(52);
  });

  it('keeps message sends to 5 per 5 s per channel, counting down in real headers', () => {
    const l = limits();
    const remaining = Array.from(
      { length: 5 },
      () => l.take('t', 'POST', channel(1), 'sends').headers['x-ratelimit-remaining'],
    );
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const refused = l.take('t', 'POST', channel(1), 'sends').refused!;
    expect(refused.headers).toMatchObject({
      'x-ratelimit-scope': 'user',
      'x-ratelimit-bucket': 'sends',
      'retry-after': '5',
      'x-ratelimit-remaining': '0',
    });
    expect(l.take('t', 'POST', channel(2), 'sends').refused).toBeUndefined(); // another channel, another bucket
    now += 5000;
    expect(l.take('t', 'POST', channel(1), 'sends').headers).toMatchObject({
      'x-ratelimit-remaining': '4',
      'x-ratelimit-reset-after': '5.000',
    });
    expect(l.refused).toEqual({ global: 0, route: 1 });
  });
});
