import { parseRelayConfig } from './relay-config';

const KEY_ALPHA = 'alpha-key-0123456789abcdefghijklmnopqrstuv';
const KEY_BETA = 'beta-key-0123456789abcdefghijklmnopqrstuvw';
const env = (vars: Record<string, string>) => (name: string) => vars[name];
const parse = (yaml: string, vars: Record<string, string> = {}) => parseRelayConfig(yaml, 'relay.yaml', env(vars));
const problems = (yaml: string, vars: Record<string, string> = {}): string => {
  try {
    parse(yaml, vars);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

// The document's minimal example, with a key long enough for this project.
const EXAMPLE = `
server:
  bind_host: "0.0.0.0"
  bind_port: 8080
  base_url: "http://127.0.0.1:8080"
storage:
  database_url: "sqlite:///./relay.db"
discord_bots:
  - id: "discord_a"
    name: "Discord Bot A"
    token_env: "DISCORD_TOKEN_A"
    enabled: true
    channel_allowlist: ["123456789012345678"]
backend_bots:
  - id: "backend_alpha"
    name: "Backend Alpha"
    api_key: "${KEY_ALPHA}"
    enabled: true
routing:
  mode: "first_match"
  defaults:
    discord_a: "backend_alpha"
routes:
  - discord_bot_id: "discord_a"
    scope_type: "dm_user"
    scope_id: "111111111111111111"
    backend_bot_id: "backend_alpha"
  - discord_bot_id: "discord_a"
    scope_type: "channel"
    scope_id: 123456789012345678
    backend_bot_id: "backend_alpha"
`;

describe('relay configuration', () => {
  it("reads the document's example; the secret comes from its variable and never prints", () => {
    const settings = parse(EXAMPLE, { DISCORD_TOKEN_A: 'the-discord-token' });
    expect(settings.discordBots).toHaveLength(1);
    const [bot] = settings.discordBots;
    expect(bot).toMatchObject({ id: 'discord_a', name: 'Discord Bot A', ignoreBots: true });
    expect([...bot.channelAllowlist]).toEqual(['123456789012345678']);
    expect(bot.token.reveal()).toBe('the-discord-token');
    expect(JSON.stringify(settings.discordBots)).not.toContain('the-discord-token');
    expect(String(bot.token)).toBe('[redacted]');
    expect(settings.backendKeys.verify(KEY_ALPHA)?.owner).toBe('backend_alpha');
    expect(settings.backendBots).toEqual([
      {
        id: 'backend_alpha',
        name: 'Backend Alpha',
        enabled: true,
        maxDeliveries: 5,
        ordered: false,
        sendAllowlist: [],
      },
    ]);
    // An unquoted 18-digit id keeps every digit.
    expect(
      settings.routing.route({
        discordBotId: 'discord_a',
        isDm: false,
        authorId: '1',
        channelId: '123456789012345678',
        guildId: '9',
      }),
    ).toMatchObject({ matchedBy: 'channel' });
    expect(settings.warnings).toEqual([
      expect.stringMatching(/^storage is ignored/),
      expect.stringMatching(/^server.bind_host and server.bind_port are ignored/),
    ]);
  });

  it('names every problem in one message, and no secret', () => {
    const message = problems(
      `
discord_bots:
  - { id: discord_a, token_env: MISSING_TOKEN }
  - { id: discord_a, token: "t2" }
  - { id: discord_c, token: "t3", token_env: ALSO }
  - { id: discord_d }
backend_bots:
  - { id: alpha, api_key: "${KEY_ALPHA}" }
  - { id: beta, api_key: "short-secret" }
  - { id: gamma, api_key_env: GAMMA_KEY }
routing:
  mode: round_robin
  defaults: { discord_x: alpha, discord_c: nobody }
routes:
  - { discord_bot_id: discord_a, scope_type: channel, scope_id: "123456789012345678", backend_bot_id: alpha }
  - { discord_bot_id: discord_a, scope_type: channel, scope_id: "123456789012345678", backend_bot_id: gamma }
  - { discord_bot_id: discord_z, scope_type: guild, scope_id: "123456789012345678", backend_bot_id: omega }
  - { discord_bot_id: discord_a, scope_type: user, scope_id: "12", backend_bot_id: alpha }
`,
    );
    for (const expected of [
      'routing.mode must be first_match',
      'routes[3].scope_type: scope_type must be one of dm_user, channel, guild',
      'routes[3].scope_id: scope_id must be a Discord id',
      'discord_bots: the id discord_a is used 2 times',
      'discord_bots[0] (discord_a): token_env names MISSING_TOKEN, which is not set',
      'discord_bots[2] (discord_c): give token or token_env, not both',
      'discord_bots[3] (discord_d): needs token or token_env',
      'backend_bots[1] (beta) api_key is too short',
      'backend_bots[2] (gamma): api_key_env names GAMMA_KEY, which is not set',
      'routing.defaults.discord_x: no discord_bots entry has this id',
      'routing.defaults.discord_c: no backend_bots entry has the id nobody',
      'routes[0] and routes[1] both match channel 123456789012345678 of discord_a at the same precedence',
      'routes[2]: discord_bot_id discord_z names no discord_bots entry',
      'routes[2]: backend_bot_id omega names no backend_bots entry',
    ]) {
      expect(message).toContain(expected);
    }
    expect(message).toMatch(/^Invalid relay configuration \(RELAY_CONFIG=relay.yaml\):\n  - /);
    for (const secret of ['t2', 't3', 'short-secret', KEY_ALPHA]) expect(message).not.toContain(`"${secret}"`);
    expect(message).not.toContain('short-secret');
  });

  it('refuses unknown fields (a typo would otherwise turn a setting off silently), bad YAML, and shared secrets', () => {
    expect(problems(`discord_bots: [{ id: a, token: t, channel_allow_list: [] }]\nbackend_bots: []`)).toContain(
      'discord_bots[0].channel_allow_list: property channel_allow_list should not exist',
    );
    expect(problems('discord_bots: [\n')).toMatch(/YAML: /);
    expect(problems('- just a list')).toContain('the file must be a YAML mapping');
    expect(
      problems(
        `discord_bots: [{ id: a, token: t }, { id: b, token: t }]\nbackend_bots: [{ id: x, api_key: "${KEY_ALPHA}" }, { id: y, api_key: "${KEY_ALPHA}" }]`,
      ),
    ).toMatch(/discord_bots a and b have the same token[\s\S]*two backend_bots have the same api_key/);
  });

  it('needs no secret for disabled bots, and routes nothing to a disabled backend', () => {
    const settings = parse(`
discord_bots:
  - { id: on, token: t1 }
  - { id: off, enabled: false }
backend_bots:
  - { id: alpha, api_key: "${KEY_ALPHA}", max_deliveries: 3, ordered: true }
  - { id: beta, enabled: false }
  - { id: gamma, api_key: "${KEY_BETA}" }
routing: { defaults: { on: beta } }
`);
    expect(settings.discordBots.map((b) => b.id)).toEqual(['on']);
    expect(settings.backendBots.find((b) => b.id === 'alpha')).toMatchObject({ maxDeliveries: 3, ordered: true });
    expect(
      settings.routing.route({ discordBotId: 'on', isDm: true, authorId: '1', channelId: '2', guildId: null }),
    ).toEqual({ backendBotId: null, reason: 'backend disabled', matchedBy: 'default' });
    expect(settings.backendKeys.verify(KEY_BETA)?.owner).toBe('gamma');
  });

  it("reads a backend bot's send_allowlist (one channel or one user per entry, through a known Discord bot)", () => {
    const allowing = (entries: string) => `
discord_bots: [{ id: discord_a, token: t1 }]
backend_bots:
  - id: alpha
    api_key: "${KEY_ALPHA}"
    send_allowlist:
${entries}`;
    const settings = parse(
      allowing(`      - { discord_bot_id: discord_a, channel_id: 123456789012345678 }
      - { discord_bot_id: discord_a, user_id: "111111111111111111" }`),
    );
    expect(settings.backendBots[0].sendAllowlist).toEqual([
      { discordBotId: 'discord_a', type: 'channel', id: '123456789012345678' },
      { discordBotId: 'discord_a', type: 'dm', id: '111111111111111111' },
    ]);
    const message = problems(
      allowing(`      - { discord_bot_id: discord_z, channel_id: "123456789012345678" }
      - { discord_bot_id: discord_a, channel_id: "123456789012345678", user_id: "111111111111111111" }
      - { discord_bot_id: discord_a }
      - { discord_bot_id: discord_a, channel_id: "12" }`),
    );
    for (const expected of [
      'backend_bots[0] (alpha) send_allowlist[0]: discord_bot_id discord_z names no discord_bots entry',
      'backend_bots[0] (alpha) send_allowlist[1]: give channel_id or user_id (one destination per entry)',
      'backend_bots[0] (alpha) send_allowlist[2]: give channel_id or user_id',
      'backend_bots[0].send_allowlist[3].channel_id: channel_id must be a Discord id',
    ]) {
      expect(message).toContain(expected);
    }
  });
});
