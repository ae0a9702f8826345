import { ChannelType, OverwriteType, PermissionFlagsBits } from 'discord.js';
import type { FakeDiscord } from './fake-discord';
import { CAMPAIGN_BOT_PERMISSIONS } from './world/permissions';

/**
 * The server `npm start` gives the stand-in, with fixed ids so the README's examples can name them:
 * the guild of the README's prize community, a channel for order threads, a subscribers-only
 * channel with its role, a channel the relay listens to, and three people.
 */
export const DEMO = {
  guildId: '123456789012345678',
  channels: { general: '123456789012345001', orders: '123456789012345002', vip: '123456789012345003' },
  roles: { gameMaster: '123456789012345101', subscriber: '123456789012345102' },
  users: { alice: '987654321098765432', bob: '987654321098765433', carol: '987654321098765434' },
} as const;

export function seedDemo(discord: FakeDiscord): void {
  const { guildId, channels, roles, users } = DEMO;
  const guild = discord.addGuild({
    id: guildId,
    name: 'Demo server (stand-in)',
    community: true,
    botPermissions: CAMPAIGN_BOT_PERMISSIONS,
    roles: [
      // Runs /add-campaign (the command asks for Manage Channels).
      { id: roles.gameMaster, name: 'Game master', permissions: PermissionFlagsBits.ManageChannels },
      // What a subscription grants: nothing beyond seeing #vip (a role the bot may hand out).
      { id: roles.subscriber, name: 'Subscriber', permissions: 0n },
    ],
  });
  discord.addChannel(guildId, { id: channels.general, name: 'general' });
  discord.addChannel(guildId, { id: channels.orders, name: 'orders' });
  discord.addChannel(guildId, {
    id: channels.vip,
    type: ChannelType.GuildText,
    name: 'vip',
    permissionOverwrites: [
      { id: guildId, type: OverwriteType.Role, allow: '0', deny: PermissionFlagsBits.ViewChannel.toString() },
      { id: roles.subscriber, type: OverwriteType.Role, allow: PermissionFlagsBits.ViewChannel.toString(), deny: '0' },
      { id: guild.botRoleId, type: OverwriteType.Role, allow: PermissionFlagsBits.ViewChannel.toString(), deny: '0' },
    ],
  });
  discord.nameUser(discord.botUserId, 'marketplace-bot');
  for (const [name, id] of Object.entries(users)) {
    discord.nameUser(id, name);
    // carol is not in the server yet: a subscription invites her by DM.
    if (name !== 'carol') discord.addMember(guildId, id, name === 'alice' ? [roles.gameMaster] : []);
  }
}
