import { ChannelType, OverwriteType, SnowflakeUtil } from 'discord.js';
import type { APIChannel, APIOverwrite, APIRole } from 'discord.js';
import { CLOCK_SKEW_MS, createdSince, isOwnChannel, isOwnRole } from './own-objects';

const attemptedAt = new Date('2026-12-07T12:00:00Z');
const madeAt = (ms: number) => SnowflakeUtil.generate({ timestamp: attemptedAt.getTime() + ms }).toString();

const role = (overrides: Partial<APIRole> = {}): APIRole =>
  ({
    id: madeAt(200),
    name: 'Staff Members',
    permissions: '0',
    managed: false,
    mentionable: true,
    position: 1,
    color: 0,
    hoist: false,
    flags: 0,
    ...overrides,
  }) as APIRole;

const overwrites: APIOverwrite[] = [
  { id: '1', type: OverwriteType.Role, allow: '0', deny: '1024' },
  { id: '2', type: OverwriteType.Role, allow: '3148800', deny: '0' },
  { id: '3', type: OverwriteType.Member, allow: '3148800', deny: '0' },
  { id: '4', type: OverwriteType.Member, allow: '3148816', deny: '0' },
];
const expected = { name: 'general', type: ChannelType.GuildText, parentId: '9', overwrites };
const channel = (overrides: Record<string, unknown> = {}): APIChannel =>
  ({
    id: madeAt(200),
    type: ChannelType.GuildText,
    name: 'general',
    parent_id: '9',
    permission_overwrites: [...overwrites].reverse(),
    ...overrides,
  }) as APIChannel;

describe('createdSince', () => {
  it('reads the creation time from the snowflake, allowing the clock skew', () => {
    expect(createdSince(madeAt(0), attemptedAt)).toBe(true);
    expect(createdSince(madeAt(-CLOCK_SKEW_MS + 1), attemptedAt)).toBe(true);
    expect(createdSince(madeAt(-CLOCK_SKEW_MS - 1), attemptedAt)).toBe(false);
    expect(createdSince(madeAt(-365 * 24 * 3600 * 1000), attemptedAt)).toBe(false);
  });
});

describe('isOwnRole', () => {
  it('takes the role this code creates: the name, no permissions, not managed, mentionable, made since the attempt', () => {
    expect(isOwnRole(role(), 'Staff Members', attemptedAt)).toBe(true);
  });

  it('refuses any role that differs in one of them', () => {
    expect(isOwnRole(role(), 'Other Members', attemptedAt)).toBe(false);
    expect(isOwnRole(role({ permissions: '2' }), 'Staff Members', attemptedAt)).toBe(false); // Kick Members
    expect(isOwnRole(role({ managed: true }), 'Staff Members', attemptedAt)).toBe(false);
    expect(isOwnRole(role({ mentionable: false }), 'Staff Members', attemptedAt)).toBe(false);
    expect(isOwnRole(role({ id: madeAt(-60_000) }), 'Staff Members', attemptedAt)).toBe(false);
  });
});

describe('isOwnChannel', () => {
  it('takes a channel with the name, type, parent and exactly the overwrites this code writes (in any order), made since the attempt', () => {
    expect(isOwnChannel(channel(), expected, attemptedAt)).toBe(true);
    expect(
      isOwnChannel(
        channel({ type: ChannelType.GuildCategory, parent_id: null }),
        { ...expected, type: ChannelType.GuildCategory, parentId: null },
        attemptedAt,
      ),
    ).toBe(true);
  });

  it('refuses one made before the attempt, elsewhere, of another name or type, or without exactly these overwrites', () => {
    expect(isOwnChannel(channel({ id: madeAt(-60_000) }), expected, attemptedAt)).toBe(false);
    expect(isOwnChannel(channel({ parent_id: '8' }), expected, attemptedAt)).toBe(false);
    expect(isOwnChannel(channel({ parent_id: null }), expected, attemptedAt)).toBe(false);
    expect(isOwnChannel(channel({ name: 'general-2' }), expected, attemptedAt)).toBe(false);
    expect(isOwnChannel(channel({ type: ChannelType.GuildVoice }), expected, attemptedAt)).toBe(false);
    expect(isOwnChannel(channel({ permission_overwrites: overwrites.slice(0, 3) }), expected, attemptedAt)).toBe(false); // no bot overwrite
    expect(
      isOwnChannel(
        channel({
          permission_overwrites: [...overwrites, { id: '5', type: OverwriteType.Member, allow: '8', deny: '0' }],
        }),
        expected,
        attemptedAt,
      ),
    ).toBe(false);
    expect(
      isOwnChannel(
        channel({ permission_overwrites: overwrites.map((o) => (o.id === '4' ? { ...o, allow: '16' } : o)) }),
        expected,
        attemptedAt,
      ),
    ).toBe(false);
  });
});
