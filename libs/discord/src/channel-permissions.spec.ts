import { OverwriteType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import type { APIOverwrite } from 'discord-api-types/v10';
import { computeChannelPermissions, computeGuildPermissions, missingPermissions } from './channel-permissions';

const guildId = '100000000000000000';
const roleA = '200000000000000001';
const roleB = '200000000000000002';
const userId = '300000000000000001';
const guild = (everyone: bigint, roles: Record<string, bigint> = {}, ownerId = '900000000000000000') => ({
  id: guildId,
  owner_id: ownerId,
  roles: [
    { id: guildId, permissions: everyone.toString() },
    ...Object.entries(roles).map(([id, p]) => ({ id, permissions: p.toString() })),
  ],
});
const overwrite = (id: string, type: OverwriteType, allow: bigint, deny: bigint): APIOverwrite => ({
  id,
  type,
  allow: allow.toString(),
  deny: deny.toString(),
});

describe('computeChannelPermissions', () => {
  it('combines @everyone and the member roles', () => {
    const perms = computeChannelPermissions(
      guild(P.ViewChannel, { [roleA]: P.SendMessages, [roleB]: P.KickMembers }),
      { roles: [roleA] },
      userId,
      {},
    );
    expect(perms).toBe(P.ViewChannel | P.SendMessages);
  });

  it('gives the owner everything, whatever the overwrites', () => {
    const channel = { permission_overwrites: [overwrite(userId, OverwriteType.Member, 0n, P.ViewChannel)] };
    const perms = computeChannelPermissions(guild(0n, {}, userId), { roles: [] }, userId, channel);
    expect(perms & P.ViewChannel).toBe(P.ViewChannel);
    expect(perms & P.Administrator).toBe(P.Administrator);
  });

  it('gives an administrator everything, ignoring overwrites', () => {
    const channel = { permission_overwrites: [overwrite(guildId, OverwriteType.Role, 0n, P.ViewChannel)] };
    const perms = computeChannelPermissions(
      guild(0n, { [roleA]: P.Administrator }),
      { roles: [roleA] },
      userId,
      channel,
    );
    expect(perms & P.ViewChannel).toBe(P.ViewChannel);
  });

  it('applies @everyone, then role denies and allows together, then the member overwrite', () => {
    const base = guild(P.ViewChannel | P.SendMessages, { [roleA]: 0n, [roleB]: 0n });
    const member = { roles: [roleA, roleB] };
    const everyoneDeniesView = overwrite(guildId, OverwriteType.Role, 0n, P.ViewChannel | P.SendMessages);
    const roleAAllowsView = overwrite(roleA, OverwriteType.Role, P.ViewChannel, 0n);
    const roleBDeniesView = overwrite(roleB, OverwriteType.Role, 0n, P.ViewChannel);

    // A role allow beats @everyone's deny; between roles, an allow beats a deny.
    expect(
      computeChannelPermissions(base, member, userId, {
        permission_overwrites: [everyoneDeniesView, roleBDeniesView, roleAAllowsView],
      }),
    ).toBe(P.ViewChannel);
    // The member's own overwrite comes last and wins.
    const memberDenies = overwrite(userId, OverwriteType.Member, P.SendMessages, P.ViewChannel);
    expect(
      computeChannelPermissions(base, member, userId, {
        permission_overwrites: [memberDenies, everyoneDeniesView, roleAAllowsView],
      }),
    ).toBe(P.SendMessages);
    // Overwrites for roles the member lacks do not apply.
    expect(
      computeChannelPermissions(base, { roles: [] }, userId, {
        permission_overwrites: [everyoneDeniesView, roleAAllowsView],
      }),
    ).toBe(0n);
  });
});

describe('computeGuildPermissions', () => {
  it('is @everyone plus the member roles, everything for the owner or an administrator, and ignores every channel', () => {
    const base = guild(P.ViewChannel, { [roleA]: P.ManageChannels, [roleB]: P.Administrator });
    expect(computeGuildPermissions(base, { roles: [] }, userId)).toBe(P.ViewChannel);
    expect(computeGuildPermissions(base, { roles: [roleA] }, userId)).toBe(P.ViewChannel | P.ManageChannels);
    expect(computeGuildPermissions(base, { roles: [roleB] }, userId) & P.ManageRoles).toBe(P.ManageRoles);
    expect(computeGuildPermissions(guild(0n, {}, userId), { roles: [] }, userId) & P.ManageChannels).toBe(
      P.ManageChannels,
    );
    // @everyone counts too.
    expect(computeGuildPermissions(guild(P.ManageChannels), { roles: [] }, userId)).toBe(P.ManageChannels);
  });
});

describe('missingPermissions', () => {
  it('names the flags needed but not held', () => {
    expect(
      missingPermissions(P.ViewChannel | P.SendMessages, P.ViewChannel | P.CreatePrivateThreads | P.ManageRoles),
    ).toEqual(['ManageRoles', 'CreatePrivateThreads']);
    expect(missingPermissions(P.ViewChannel, P.ViewChannel)).toEqual([]);
  });
});
