import { PermissionFlagsBits } from 'discord.js';
import { computeChannelPermissions } from '@discord-backbone/discord';
import { discordError } from '../reply';
import { FakeBot, FakeChannel, FakeGuild, isThread } from './shapes';
import type { FakeWorld } from './world';

/** What a bot may do where, by Discord's rules: its permissions, and the 403s for what it may not. */
export class BotAccess {
  constructor(private readonly world: FakeWorld) {}

  /** The bot's permissions in the guild, or in a channel (a thread: its parent's overwrites). */
  permissions(bot: FakeBot, guildId: string, channel?: FakeChannel): bigint {
    const guild = this.world.guild(guildId);
    const overwritesFrom =
      channel && isThread(channel) && channel.parent_id ? this.world.channel(channel.parent_id) : channel;
    return computeChannelPermissions(
      guild,
      this.world.memberOr404(guildId, bot.userId),
      bot.userId,
      overwritesFrom ?? {},
    );
  }

  /**
   * 403 Missing Permissions unless the bot has `permission` in the channel (a thread: its parent) or
   * guild; 403 Missing Access in a channel it cannot see (without View Channel, Discord grants nothing there).
   */
  require(bot: FakeBot, guildId: string, permission: bigint, channel?: FakeChannel): void {
    const permissions = this.permissions(bot, guildId, channel);
    if (channel && (permissions & PermissionFlagsBits.ViewChannel) === 0n)
      throw discordError(403, 50001, 'Missing Access');
    if ((permissions & permission) !== permission) throw discordError(403, 50013, 'Missing Permissions');
  }

  /** 403 Missing Permissions when an overwrite or role would grant what the bot itself lacks (administrators may). */
  requireHas(bot: FakeBot, guildId: string, permissions: bigint): void {
    const own = this.permissions(bot, guildId);
    if ((own & PermissionFlagsBits.Administrator) === 0n && (permissions & ~own) !== 0n)
      throw discordError(403, 50013, 'Missing Permissions');
  }

  /** 403 Missing Permissions for a role at or above the bot's highest role: Discord's role hierarchy (the owner is exempt). */
  requireBelowTopRole(bot: FakeBot, guild: FakeGuild, roleId: string): void {
    if (guild.owner_id === bot.userId) return;
    const botRoles = new Set(this.world.member(guild.id, bot.userId)?.roles ?? []);
    const botTop = Math.max(0, ...guild.roles.filter((r) => botRoles.has(r.id)).map((r) => r.position));
    const role = guild.roles.find((r) => r.id === roleId);
    if (role && role.position >= botTop) throw discordError(403, 50013, 'Missing Permissions');
  }

  /** A guild channel the bot cannot see is 403 Missing Access, as on Discord; so is another bot's DM. */
  visibleChannel(bot: FakeBot, channelId: string): FakeChannel {
    const channel = this.world.channelOr404(channelId);
    const visible =
      channel.guild_id !== undefined
        ? (this.permissions(bot, channel.guild_id, channel) & PermissionFlagsBits.ViewChannel) !== 0n
        : channel.owner_id === undefined || channel.owner_id === bot.userId;
    if (!visible) throw discordError(403, 50001, 'Missing Access');
    return channel;
  }
}
