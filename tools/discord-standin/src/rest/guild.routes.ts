import { ChannelType, OverwriteType, PermissionFlagsBits } from 'discord.js';
import { discordError, invalidFormBody, Reply, unknownRole } from '../reply';
import type { BotAccess } from '../world/bot-access';
import type { FakeBot, FakeChannel } from '../world/shapes';
import { snowflake } from '../world/snowflake';
import type { FakeWorld } from '../world/world';
import type { Route } from './route';

/** Discord's limits the fake enforces. */
const DISCORD_LIMITS = { guildChannels: 500, categoryChannels: 50, guildRoles: 250 } as const;

/** `/guilds/:id`: the guild, its roles, its channels and its active threads. */
export class GuildRoutes {
  readonly routes: Route[] = [
    ['GET', /^\/guilds\/(\d+)$/, ([guildId]) => new Reply(200, this.world.guild(guildId))],
    ['GET', /^\/guilds\/(\d+)\/roles$/, ([guildId]) => new Reply(200, this.world.guild(guildId).roles)],
    ['POST', /^\/guilds\/(\d+)\/roles$/, ([guildId], body, { bot }) => this.createRole(bot, guildId, body)],
    [
      'DELETE',
      /^\/guilds\/(\d+)\/roles\/(\d+)$/,
      ([guildId, roleId], _, { bot }) => this.deleteRole(bot, guildId, roleId),
    ],
    [
      'GET',
      /^\/guilds\/(\d+)\/channels$/,
      ([guildId]) => new Reply(200, this.world.guildChannels(this.world.guild(guildId).id)),
    ],
    ['POST', /^\/guilds\/(\d+)\/channels$/, ([guildId], body, { bot }) => this.createGuildChannel(bot, guildId, body)],
    ['GET', /^\/guilds\/(\d+)\/threads\/active$/, ([guildId]) => this.activeThreads(guildId)],
  ];

  constructor(
    private readonly world: FakeWorld,
    private readonly access: BotAccess,
  ) {}

  /** POST /guilds/:id/roles: Manage Roles, at most 250 roles, and no permission the bot lacks itself. */
  private createRole(bot: FakeBot, guildId: string, body: Record<string, unknown>): Reply {
    const guild = this.world.guild(guildId);
    this.access.require(bot, guildId, PermissionFlagsBits.ManageRoles);
    if (guild.roles.length >= DISCORD_LIMITS.guildRoles)
      throw discordError(400, 30005, `Maximum number of guild roles reached (${DISCORD_LIMITS.guildRoles})`);
    const name = typeof body.name === 'string' ? body.name : 'new role';
    if (name.length > 100) throw invalidFormBody();
    const permissions = typeof body.permissions === 'string' ? BigInt(body.permissions) : 0n;
    this.access.requireHas(bot, guildId, permissions);
    return new Reply(200, this.world.insertRole(guild, name, permissions, body.mentionable === true));
  }

  private deleteRole(bot: FakeBot, guildId: string, roleId: string): Reply {
    const guild = this.world.guild(guildId);
    if (!guild.roles.some((r) => r.id === roleId) || roleId === guildId) throw unknownRole();
    this.access.require(bot, guildId, PermissionFlagsBits.ManageRoles);
    this.access.requireBelowTopRole(bot, guild, roleId);
    guild.roles = guild.roles.filter((r) => r.id !== roleId);
    for (const member of this.world.membersOf(guildId)) member.roles = member.roles.filter((r) => r !== roleId);
    return new Reply(204);
  }

  /**
   * POST /guilds/:id/channels, with Discord's rules: Manage Channels; text, voice, category,
   * announcement (Community servers only) or forum; a parent that is one of the guild's
   * categories, with room (50); room in the guild (500); overwrites granting nothing the bot
   * lacks; text-like names lowercased with spaces as dashes.
   */
  private createGuildChannel(bot: FakeBot, guildId: string, body: Record<string, unknown>): Reply {
    const guild = this.world.guild(guildId);
    const type = (typeof body.type === 'number' ? body.type : ChannelType.GuildText) as ChannelType;
    const parentId = typeof body.parent_id === 'string' ? body.parent_id : null;
    const parent = parentId === null ? undefined : this.world.channel(parentId);
    this.access.require(bot, guildId, PermissionFlagsBits.ManageChannels, parent);
    const invalid = (field: string, message: string) => invalidFormBody({ name: field, code: 'INVALID', message });
    if (typeof body.name !== 'string' || body.name.length === 0 || body.name.length > 100)
      throw invalid('name', 'Must be between 1 and 100 in length.');
    if (
      ![
        ChannelType.GuildText,
        ChannelType.GuildVoice,
        ChannelType.GuildCategory,
        ChannelType.GuildAnnouncement,
        ChannelType.GuildForum,
      ].includes(type)
    ) {
      throw invalid('type', 'Value must be one of {0, 2, 4, 5, 15}.');
    }
    if (type === ChannelType.GuildAnnouncement && !guild.features.includes('COMMUNITY'))
      throw invalid('type', 'Announcement channels need a Community server.');
    if (
      parentId !== null &&
      (type === ChannelType.GuildCategory || parent?.guild_id !== guildId || parent.type !== ChannelType.GuildCategory)
    ) {
      throw invalid('parent_id', 'Unknown category.');
    }
    const siblings = this.world.guildChannels(guildId);
    if (siblings.length >= DISCORD_LIMITS.guildChannels)
      throw discordError(400, 30013, `Maximum number of guild channels reached (${DISCORD_LIMITS.guildChannels})`);
    if (
      parentId !== null &&
      siblings.filter((c) => c.parent_id === parentId).length >= DISCORD_LIMITS.categoryChannels
    ) {
      throw invalid('parent_id', `Maximum number of channels in category reached (${DISCORD_LIMITS.categoryChannels})`);
    }
    const overwrites = (Array.isArray(body.permission_overwrites) ? body.permission_overwrites : []) as {
      id: string;
      type: OverwriteType;
      allow?: string;
      deny?: string;
    }[];
    for (const o of overwrites) this.access.requireHas(bot, guildId, BigInt(o.allow ?? '0') | BigInt(o.deny ?? '0'));
    const textLike =
      type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement || type === ChannelType.GuildForum;
    const channel: FakeChannel = {
      id: snowflake(),
      type,
      guild_id: guildId,
      name: textLike ? body.name.toLowerCase().replace(/\s+/g, '-') : body.name,
      parent_id: parentId,
      position: siblings.length,
      topic: textLike && typeof body.topic === 'string' ? body.topic : null,
      permission_overwrites: overwrites.map((o) => ({
        id: o.id,
        type: o.type,
        allow: o.allow ?? '0',
        deny: o.deny ?? '0',
      })),
    };
    this.world.putChannel(channel);
    return new Reply(201, channel);
  }

  private activeThreads(guildId: string): Reply {
    this.world.guild(guildId);
    const threads = this.world.threads.filter((t) => t.guild_id === guildId && !t.thread_metadata?.archived);
    return new Reply(200, { threads, members: [] });
  }
}
