import { OverwriteType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIGuild, APIGuildMember, APIOverwrite, APIRole } from 'discord-api-types/v10';

const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

type GuildRoles = Pick<APIGuild, 'id' | 'owner_id'> & { roles: Pick<APIRole, 'id' | 'permissions'>[] };

/**
 * A member's permissions in the guild itself (no channel's overwrites), by Discord's documented
 * algorithm: the owner has everything; otherwise @everyone plus the member's roles, everything
 * with Administrator. What guild-wide actions (creating roles and categories) need.
 */
export function computeGuildPermissions(
  guild: GuildRoles,
  member: Pick<APIGuildMember, 'roles'>,
  userId: string,
): bigint {
  if (guild.owner_id === userId) return ALL_PERMISSIONS;
  const memberRoles = new Set(member.roles);
  let permissions = 0n;
  for (const role of guild.roles) {
    // The @everyone role has the guild's id.
    if (role.id === guild.id || memberRoles.has(role.id)) permissions |= BigInt(role.permissions);
  }
  return (permissions & PermissionFlagsBits.Administrator) !== 0n ? ALL_PERMISSIONS : permissions;
}

/**
 * A member's effective permissions in a guild channel, by Discord's documented algorithm: the
 * guild permissions (computeGuildPermissions), then, without Administrator, the channel's
 * overwrites in order: @everyone, the member's roles (all denies, then all allows), the member.
 * Threads have no overwrites of their own: pass the parent.
 */
export function computeChannelPermissions(
  guild: GuildRoles,
  member: Pick<APIGuildMember, 'roles'>,
  userId: string,
  channel: { permission_overwrites?: APIOverwrite[] },
): bigint {
  let permissions = computeGuildPermissions(guild, member, userId);
  if (permissions === ALL_PERMISSIONS) return ALL_PERMISSIONS;

  const memberRoles = new Set(member.roles);
  const overwrites = channel.permission_overwrites ?? [];
  const apply = (allow: bigint, deny: bigint) => {
    permissions = (permissions & ~deny) | allow;
  };
  const everyone = overwrites.find((o) => o.id === guild.id);
  if (everyone) apply(BigInt(everyone.allow), BigInt(everyone.deny));

  let roleAllow = 0n;
  let roleDeny = 0n;
  for (const o of overwrites) {
    if (o.type === OverwriteType.Role && o.id !== guild.id && memberRoles.has(o.id)) {
      roleAllow |= BigInt(o.allow);
      roleDeny |= BigInt(o.deny);
    }
  }
  apply(roleAllow, roleDeny);

  const own = overwrites.find((o) => o.type === OverwriteType.Member && o.id === userId);
  if (own) apply(BigInt(own.allow), BigInt(own.deny));
  return permissions;
}

/** Names (as in PermissionFlagsBits) of the flags in `need` that `have` lacks. */
export function missingPermissions(have: bigint, need: bigint): string[] {
  const seen = new Set<bigint>(); // some flags have two names (old and new); report one
  const missing: string[] = [];
  for (const [name, bit] of Object.entries(PermissionFlagsBits)) {
    if ((need & bit) !== 0n && (have & bit) === 0n && !seen.has(bit)) {
      seen.add(bit);
      missing.push(name);
    }
  }
  return missing;
}

/**
 * Permissions a role sold with a subscription must never carry: each lets its holder administer,
 * moderate or mass-ping the server. A subscription role is for seeing a channel, nothing more.
 */
export const UNSAFE_ROLE_PERMISSIONS = {
  Administrator: PermissionFlagsBits.Administrator,
  ManageGuild: PermissionFlagsBits.ManageGuild,
  ManageRoles: PermissionFlagsBits.ManageRoles,
  ManageChannels: PermissionFlagsBits.ManageChannels,
  ManageWebhooks: PermissionFlagsBits.ManageWebhooks,
  BanMembers: PermissionFlagsBits.BanMembers,
  KickMembers: PermissionFlagsBits.KickMembers,
  MentionEveryone: PermissionFlagsBits.MentionEveryone,
} as const;

/** The names of the UNSAFE_ROLE_PERMISSIONS a role's permission bits include (none: safe). */
export function unsafeRolePermissions(permissions: string | bigint): string[] {
  const bits = BigInt(permissions);
  return Object.entries(UNSAFE_ROLE_PERMISSIONS).flatMap(([name, bit]) => ((bits & bit) !== 0n ? [name] : []));
}
