import { PermissionFlagsBits } from 'discord.js';

/** What a subscriber gets in the channel through a member overwrite: read it, its history, and post. */
export const MEMBER_ACCESS = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory;

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
