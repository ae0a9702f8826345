import { ChannelType } from 'discord.js';
import type { APIOverwrite } from 'discord.js';
import { unknownChannel, unknownGuild, unknownMember } from '../reply';
import { guildRoles, insertRole, WantedRole } from './guild-roles';
import { MessageStore } from './message-store';
import {
  FakeBot,
  FakeChannel,
  FakeGuild,
  FakeInvite,
  FakeMember,
  FakeMessage,
  FakeRole,
  FakeUser,
  isThread,
  MessageEdit,
  user,
} from './shapes';
import { snowflake, snowflakeAt } from './snowflake';

export const FAKE_DISCORD_TOKEN = 'fake-bot-token';

/**
 * What the fake Discord knows: bots, guilds with their roles, members and channels, threads, DMs,
 * users' names, messages (MessageStore), invites, kicks and registered commands. Tests seed it and
 * read it; the REST routes, the gateway and the interactions act on it.
 */
export class FakeWorld {
  /** The default bot; addBot() makes more. */
  readonly botUserId = snowflake();
  /** The application the default bot belongs to: interactions come from it. */
  readonly applicationId = snowflake();
  readonly messageStore = new MessageStore();
  readonly invites: FakeInvite[] = [];
  readonly kicked: { guildId: string; userId: string }[] = [];
  /** Registered application commands by scope: `global` or a guild id. */
  readonly commands = new Map<string, Record<string, unknown>[]>();

  private readonly guilds = new Map<string, FakeGuild>();
  private readonly channels = new Map<string, FakeChannel>();
  private readonly members = new Map<string, Map<string, FakeMember>>();
  private readonly threadMemberIds = new Map<string, Set<string>>(); // thread id → member user ids
  private readonly dmChannels = new Map<string, string>(); // `${bot user id}:${user id}` → channel id
  private readonly oauthTokens = new Map<string, string>(); // OAuth2 access token → user id
  private readonly usernames = new Map<string, string>(); // user id → username given by nameUser()
  private readonly bots: Map<string, FakeBot>;

  constructor(
    /** The default bot's token. */
    readonly token: string = FAKE_DISCORD_TOKEN,
  ) {
    this.bots = new Map([[token, { token, userId: this.botUserId }]]);
  }

  /** Forgets everything seeded and recorded; the default bot stays. */
  reset(): void {
    for (const list of [this.invites, this.kicked]) list.length = 0;
    for (const map of [
      this.guilds,
      this.channels,
      this.members,
      this.threadMemberIds,
      this.dmChannels,
      this.oauthTokens,
      this.usernames,
      this.commands,
    ])
      map.clear();
    for (const token of this.bots.keys()) if (token !== this.token) this.bots.delete(token);
    this.messageStore.reset();
  }

  // --- bots and users ------------------------------------------------------------------------

  /** Another bot account with its own token (for several bots in one fake). */
  addBot(): FakeBot {
    const bot = { token: `fake-bot-token-${snowflake()}`, userId: snowflake() };
    this.bots.set(bot.token, bot);
    return bot;
  }

  /** The bot of the application interactions come from: the default bot. */
  get applicationBot(): FakeBot {
    return this.bots.get(this.token)!;
  }

  /** The bot with this user id, if any. */
  botByUserId(userId: string): FakeBot | undefined {
    return [...this.bots.values()].find((b) => b.userId === userId);
  }

  /** The bot a token belongs to, if any. */
  botByToken(token: string): FakeBot | undefined {
    return this.bots.get(token);
  }

  /** Gives a user a username (others are `user<last 6 digits>`): what their messages and interactions show. */
  nameUser(userId: string, username: string): void {
    this.usernames.set(userId, username);
  }

  /** A user as Discord shows them, with the name given by nameUser(). */
  person(userId: string, bot = false): FakeUser {
    const named = this.usernames.get(userId);
    return { ...user(userId, bot), ...(named === undefined ? {} : { username: named }) };
  }

  /** An OAuth2 access token (scope `identify`) for the user, as Discord's OAuth2 flow would hand the marketplace. */
  issueOAuthToken(userId: string): string {
    const token = `oauth-${snowflake()}`;
    this.oauthTokens.set(token, userId);
    return token;
  }

  /** The user an OAuth2 access token was issued to, if any. */
  oauthUser(token: string): string | undefined {
    return this.oauthTokens.get(token);
  }

  // --- guilds, roles, members ----------------------------------------------------------------

  /**
   * A guild whose @everyone role has `everyonePermissions`; the bot is a member with a role granting
   * `botPermissions`. The extra `roles` are ranked below the bot's role (as Discord requires for
   * the bot to grant them), those with `aboveBot` above it. `bots` (user ids; the default bot
   * unless given) are the bot members, all with that role.
   */
  addGuild(
    options: {
      id?: string;
      ownerId?: string;
      everyonePermissions?: bigint;
      botPermissions?: bigint;
      roles?: WantedRole[];
      name?: string;
      bots?: string[];
      /** A Community server: announcement channels are allowed. */
      community?: boolean;
    } = {},
  ): {
    id: string;
    botRoleId: string;
    roleIds: string[];
  } {
    const id = options.id ?? snowflake();
    const botRoleId = snowflake();
    const { roles, extra } = guildRoles(id, botRoleId, {
      wanted: options.roles ?? [],
      everyonePermissions: options.everyonePermissions,
      botPermissions: options.botPermissions,
    });
    this.guilds.set(id, {
      id,
      name: options.name ?? `guild ${id.slice(-6)}`,
      owner_id: options.ownerId ?? snowflake(),
      roles,
      features: options.community ? ['COMMUNITY', 'NEWS'] : [],
    });
    this.members.set(id, new Map());
    for (const botId of options.bots ?? [this.botUserId]) this.addMember(id, botId, [botRoleId]);
    return { id, botRoleId, roleIds: extra.map((r) => r.id) };
  }

  /** The guild, or 404 Unknown Guild. */
  guild(guildId: string): FakeGuild {
    const guild = this.guilds.get(guildId);
    if (!guild) throw unknownGuild();
    return guild;
  }

  /** Every guild, in the order they were added. */
  guildList(): FakeGuild[] {
    return [...this.guilds.values()];
  }

  guildsOf(botUserId: string): FakeGuild[] {
    return [...this.guilds.values()].filter((g) => this.members.get(g.id)?.has(botUserId));
  }

  roles(guildId: string): FakeRole[] {
    return this.guilds.get(guildId)?.roles ?? [];
  }

  /** A role someone made, `createdAt` (default now), ranked just above @everyone; returns its id. */
  addRole(guildId: string, options: { name: string; permissions?: bigint; createdAt?: Date }): string {
    return this.insertRole(
      this.guild(guildId),
      options.name,
      options.permissions ?? 0n,
      false,
      options.createdAt ? snowflakeAt(options.createdAt) : snowflake(),
    ).id;
  }

  /** A role ranked just above @everyone; those above move up one. */
  insertRole(guild: FakeGuild, name: string, permissions: bigint, mentionable: boolean, id?: string): FakeRole {
    return insertRole(guild, name, permissions, mentionable, id);
  }

  /** Changes a role's permissions, as a server admin would in Discord's settings. */
  setRolePermissions(guildId: string, roleId: string, permissions: bigint): void {
    const role = this.guild(guildId).roles.find((r) => r.id === roleId);
    if (!role) throw new Error(`no role ${roleId} in guild ${guildId}`);
    role.permissions = permissions.toString();
  }

  /** Adds (or replaces) a member; returns the user id, new unless given. */
  addMember(guildId: string, userId: string = snowflake(), roleIds: string[] = []): string {
    const members = this.members.get(guildId);
    if (!members) throw new Error(`no guild ${guildId}`);
    members.set(userId, { roles: [...roleIds], joined_at: new Date().toISOString() });
    return userId;
  }

  member(guildId: string, userId: string): FakeMember | undefined {
    return this.members.get(guildId)?.get(userId);
  }

  /** The member, or 404 Unknown Member (Unknown Guild first). */
  memberOr404(guildId: string, userId: string): FakeMember {
    const member = this.members.get(this.guild(guildId).id)?.get(userId);
    if (!member) throw unknownMember();
    return member;
  }

  membersOf(guildId: string): FakeMember[] {
    return [...(this.members.get(guildId)?.values() ?? [])];
  }

  /** Whether the member was there to remove. */
  removeMember(guildId: string, userId: string): boolean {
    return this.members.get(guildId)?.delete(userId) ?? false;
  }

  memberRoles(guildId: string, userId: string): string[] | undefined {
    return this.member(guildId, userId)?.roles;
  }

  /** A guild's members: user ids with their role ids. */
  guildMembers(guildId: string): { userId: string; roles: string[] }[] {
    return [...(this.members.get(guildId) ?? new Map<string, FakeMember>())].map(([userId, member]) => ({
      userId,
      roles: [...member.roles],
    }));
  }

  // --- channels, threads, DMs ----------------------------------------------------------------

  addChannel(
    guildId: string,
    options: {
      id?: string;
      type?: ChannelType.GuildText | ChannelType.GuildCategory | ChannelType.GuildVoice;
      name?: string;
      parentId?: string;
      permissionOverwrites?: APIOverwrite[];
      /** The creation time its snowflake carries (default now): a channel that existed long before. */
      createdAt?: Date;
    } = {},
  ): string {
    if (!this.guilds.has(guildId)) throw new Error(`no guild ${guildId}`);
    const id = options.id ?? (options.createdAt ? snowflakeAt(options.createdAt) : snowflake());
    this.channels.set(id, {
      id,
      type: options.type ?? ChannelType.GuildText,
      guild_id: guildId,
      name: options.name ?? `channel-${id.slice(-6)}`,
      ...(options.parentId !== undefined ? { parent_id: options.parentId } : {}),
      position: this.guildChannels(guildId).length,
      topic: null,
      permission_overwrites: options.permissionOverwrites ?? [],
    });
    return id;
  }

  /** A channel or thread made through REST. */
  putChannel(channel: FakeChannel): void {
    this.channels.set(channel.id, channel);
  }

  /** A channel someone (not the bot) deletes; its threads go with it, its children lose their category. */
  removeChannel(channelId: string): void {
    this.channelOr404(channelId);
    this.dropChannel(channelId);
  }

  /** Deletes a channel: its messages and threads go with it, its children lose their category, as on Discord. */
  dropChannel(channelId: string): void {
    this.channels.delete(channelId);
    this.messageStore.forget(channelId);
    for (const child of [...this.channels.values()]) {
      if (child.parent_id !== channelId) continue;
      if (isThread(child)) this.channels.delete(child.id);
      else child.parent_id = null;
    }
  }

  channel(channelId: string): FakeChannel | undefined {
    return this.channels.get(channelId);
  }

  /** The channel, or 404 Unknown Channel. */
  channelOr404(channelId: string): FakeChannel {
    const channel = this.channels.get(channelId);
    if (!channel) throw unknownChannel();
    return channel;
  }

  get threads(): FakeChannel[] {
    return [...this.channels.values()].filter(
      (c) => c.type === ChannelType.PrivateThread || c.type === ChannelType.PublicThread,
    );
  }

  /** A guild's channels and categories (threads excluded), as GUILD_CREATE lists them. */
  guildChannels(guildId: string): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.guild_id === guildId && !isThread(c));
  }

  overwrites(channelId: string): APIOverwrite[] {
    return this.channels.get(channelId)?.permission_overwrites ?? [];
  }

  /** A new thread's member list: its creator. */
  startThreadMembers(threadId: string, creatorId: string): void {
    this.threadMemberIds.set(threadId, new Set([creatorId]));
  }

  /** Whether the channel keeps a member list: a thread made through REST. */
  keepsThreadMembers(threadId: string): boolean {
    return this.threadMemberIds.has(threadId);
  }

  joinThread(threadId: string, userId: string): void {
    this.threadMemberIds.get(threadId)?.add(userId);
  }

  threadMembers(threadId: string): string[] {
    return [...(this.threadMemberIds.get(threadId) ?? [])];
  }

  /** The DM channel between a bot and a user (made on first use); `owner_id` marks the bot it belongs to here. */
  dmChannel(botUserId: string, userId: string): string {
    const key = `${botUserId}:${userId}`;
    let channelId = this.dmChannels.get(key);
    if (!channelId) {
      channelId = snowflake();
      this.dmChannels.set(key, channelId);
      this.channels.set(channelId, {
        id: channelId,
        type: ChannelType.DM,
        owner_id: botUserId,
        recipients: [this.person(userId)],
      });
    }
    return channelId;
  }

  /** Every DM channel: the bot it belongs to and the user at the other end. */
  dmChannelList(): { channelId: string; botUserId: string; userId: string }[] {
    return [...this.dmChannels].map(([key, channelId]) => {
      const [botUserId, userId] = key.split(':');
      return { channelId, botUserId, userId };
    });
  }

  /** The bots (user ids) that receive a message of the channel: a guild's bot members, or a DM's bot. */
  audienceOf(channelId: string): string[] {
    const channel = this.channels.get(channelId);
    if (!channel) return [];
    if (channel.guild_id !== undefined)
      return [...this.bots.values()].map((b) => b.userId).filter((id) => this.members.get(channel.guild_id!)?.has(id));
    return channel.type === ChannelType.DM && channel.owner_id !== undefined ? [channel.owner_id] : [];
  }

  // --- messages ------------------------------------------------------------------------------

  messages(channelId: string): FakeMessage[] {
    return this.messageStore.list(channelId);
  }

  message(channelId: string, messageId: string): FakeMessage | undefined {
    return this.messageStore.find(channelId, messageId);
  }

  /** Edits of one message, in order. */
  editsOf(messageId: string): MessageEdit[] {
    return this.messageStore.editsOf(messageId);
  }

  /** The messages of the DM channel between the user and a bot (the default bot unless given). */
  dms(userId: string, botUserId: string = this.botUserId): FakeMessage[] {
    const channelId = this.dmChannels.get(`${botUserId}:${userId}`);
    return channelId ? this.messages(channelId) : [];
  }

  /**
   * A user posts a message: into a guild channel (`channelId`), or into their DM with a bot
   * (`dmTo`: the bot's user id). It is kept in the channel's history (what REST backfill reads)
   * and dispatched through the gateway to the bots connected at that moment.
   */
  postMessage(options: {
    authorId: string;
    content: string;
    channelId?: string;
    dmTo?: string;
    authorIsBot?: boolean;
  }): FakeMessage {
    const channelId = options.dmTo !== undefined ? this.dmChannel(options.dmTo, options.authorId) : options.channelId;
    if (channelId === undefined) throw new Error('postMessage needs channelId or dmTo');
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId}`);
    return this.messageStore.record(channel, {
      content: options.content,
      author: this.person(options.authorId, options.authorIsBot ?? false),
    });
  }
}
