import { RoutingTable } from './routing-table';

const A = 'discord_a';
const B = 'discord_b';
const user = '111111111111111111';
const dmChannel = '222222222222222222';
const channel = '333333333333333333';
const guild = '444444444444444444';

describe('RoutingTable', () => {
  const table = new RoutingTable(
    [
      { discordBotId: A, scopeType: 'guild', scopeId: guild, backendBotId: 'by_guild' },
      { discordBotId: A, scopeType: 'channel', scopeId: channel, backendBotId: 'by_channel' },
      { discordBotId: A, scopeType: 'dm_user', scopeId: user, backendBotId: 'by_dm_user' },
      { discordBotId: A, scopeType: 'channel', scopeId: dmChannel, backendBotId: 'by_dm_channel' },
      { discordBotId: B, scopeType: 'channel', scopeId: channel, backendBotId: 'off' },
    ],
    new Map([[A, 'fallback']]),
    new Set(['by_guild', 'by_channel', 'by_dm_user', 'by_dm_channel', 'fallback']),
  );
  const dm = (authorId: string, channelId = dmChannel) => ({
    discordBotId: A,
    isDm: true,
    authorId,
    channelId,
    guildId: null,
  });
  const inGuild = (channelId: string, guildId = guild, discordBotId = A) => ({
    discordBotId,
    isDm: false,
    authorId: user,
    channelId,
    guildId,
  });

  it('prefers dm_user over channel for DMs', () => {
    expect(table.route(dm(user))).toEqual({ backendBotId: 'by_dm_user', matchedBy: 'dm_user' });
    expect(table.route(dm('999999999999999999'))).toEqual({ backendBotId: 'by_dm_channel', matchedBy: 'channel' });
  });

  it('prefers channel over guild, and guild over the default; dm_user never matches guild messages', () => {
    expect(table.route(inGuild(channel))).toEqual({ backendBotId: 'by_channel', matchedBy: 'channel' });
    expect(table.route(inGuild('555555555555555555'))).toEqual({ backendBotId: 'by_guild', matchedBy: 'guild' });
    expect(table.route(inGuild('555555555555555555', '666666666666666666'))).toEqual({
      backendBotId: 'fallback',
      matchedBy: 'default',
    });
  });

  it('keeps each Discord bot to its own routes, and drops what nothing routes', () => {
    expect(table.route(inGuild('555555555555555555', guild, B))).toEqual({ backendBotId: null, reason: 'unrouted' });
    expect(table.route({ ...dm(user), discordBotId: B })).toEqual({ backendBotId: null, reason: 'unrouted' });
  });

  it('drops a message whose backend is disabled instead of trying a lower precedence', () => {
    expect(table.route(inGuild(channel, guild, B))).toEqual({
      backendBotId: null,
      reason: 'backend disabled',
      matchedBy: 'channel',
    });
  });

  it("answers what the send rules ask: a scope's explicit route, whether a bot has routes of a scope", () => {
    expect(table.rule(A, 'channel', channel)).toBe('by_channel');
    expect(table.rule(A, 'channel', '555555555555555555')).toBeUndefined();
    expect(table.rule(B, 'channel', channel)).toBe('off'); // disabled backends too: the route still claims the scope
    expect(table.hasRules(A, 'guild')).toBe(true);
    expect(table.hasRules(B, 'guild')).toBe(false);
    expect(table.hasRules(A, 'channel', 'by_dm_channel')).toBe(true);
    expect(table.hasRules(A, 'channel', 'by_guild')).toBe(false);
  });

  it('says which Discord bots lead to a backend', () => {
    expect(table.connects(A, 'by_channel')).toBe(true);
    expect(table.connects(A, 'fallback')).toBe(true);
    expect(table.connects(B, 'by_channel')).toBe(false);
  });
});
