import { PermissionFlagsBits } from 'discord.js';

/** What a subscriber gets in the channel through a member overwrite: read it, its history, and post. */
export const MEMBER_ACCESS =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory;

/**
 * What the bot needs in a subscription channel to serve it:
 * - see the channel and post in it;
 * - Manage Roles: granting a guild role needs it, and so does editing the channel's permission
 *   overwrites (Discord's "Manage Permissions" is Manage Roles in a channel). Manage Channels is
 *   not needed for overwrites;
 * - the MEMBER_ACCESS flags themselves: an overwrite may only allow what the bot has (and the
 *   overwrite is used for role-based channels too, for users not in the guild yet);
 * - Create Instant Invite, for users not in the guild;
 * - Kick Members when the channel kicks on removal.
 */
export function requiredBotPermissions(channel: { kickOnRemove: boolean }): bigint {
  return (
    MEMBER_ACCESS |
    PermissionFlagsBits.ManageRoles |
    PermissionFlagsBits.CreateInstantInvite |
    (channel.kickOnRemove ? PermissionFlagsBits.KickMembers : 0n)
  );
}

/**
 * Recorded among a listing's `missingPermissions` (beside the permission flag names) when the
 * channel's role is at or above the bot's highest role: Discord refuses to grant or remove such a
 * role (403 Missing Permissions) whatever the bot's permissions, Administrator included. Fixed by
 * moving the bot's role above the channel's role in the server settings.
 */
export const ROLE_HIERARCHY = 'RoleHierarchy';

/**
 * Whether the bot may grant and remove `roleId` under Discord's role hierarchy: the role must be
 * strictly below the bot's highest role (by position; @everyone, position 0, when the bot has no
 * role). The guild owner is exempt.
 */
export function botOutranksRole(
  guild: { owner_id: string; roles: { id: string; position: number }[] },
  bot: { roles: string[] },
  botUserId: string,
  roleId: string,
): boolean {
  if (guild.owner_id === botUserId) return true;
  const botRoles = new Set(bot.roles);
  const botTop = Math.max(0, ...guild.roles.filter((role) => botRoles.has(role.id)).map((role) => role.position));
  const role = guild.roles.find((r) => r.id === roleId);
  return role !== undefined && role.position < botTop;
}
