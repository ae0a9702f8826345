// A local HTTP server playing the part of Discord's REST API, so tests run the real
// @discordjs/rest code (routing, rate-limit bookkeeping, error parsing) without Discord; with
// startGateway(), also its gateway (fake-gateway.ts), so a real discord.js Client connects too.
// Several bots (tokens) can share one fake; users post into channels and DMs with postMessage().
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ChannelType, OverwriteType, PermissionFlagsBits } from 'discord.js';
import type { APIOverwrite } from 'discord.js';
import { computeChannelPermissions } from '@app/discord';
import { FakeGateway, startFakeGateway } from './fake-gateway';

export const FAKE_DISCORD_TOKEN = 'fake-bot-token';

/** What the bot may do in a seeded guild unless told otherwise. */
export const DEFAULT_BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.CreatePrivateThreads |
  PermissionFlagsBits.ManageThreads |
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.ManageRoles |
  PermissionFlagsBits.KickMembers;

const DEFAULT_EVERYONE_PERMISSIONS = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory;

export interface RecordedRequest {
  method: string;
  /** Without the `/api/v10` prefix, e.g. `/channels/123/threads`. */
  path: string;
  body: unknown;
  headers: IncomingHttpHeaders;
}

export interface Fault {
  method?: string;
  path: RegExp;
  /** How many matching requests get this answer; 1 unless told. */
  times?: number;
  status: number;
  code?: number;
  message?: string;
  /** For a 429; 1 unless told. */
  retryAfterSeconds?: number;
}

interface FakeRole {
  id: string;
  name: string;
  position: number;
  permissions: string;
  color: number;
  hoist: boolean;
  managed: boolean;
  mentionable: boolean;
  flags: number;
}

export interface FakeGuild {
  id: string;
  name: string;
  owner_id: string;
  roles: FakeRole[];
}

export interface FakeChannel {
  id: string;
  type: ChannelType;
  name?: string;
  guild_id?: string;
  parent_id?: string;
  owner_id?: string;
  permission_overwrites?: APIOverwrite[];
  thread_metadata?: { archived: boolean; auto_archive_duration: number; archive_timestamp: string; locked: boolean; invitable?: boolean };
  recipients?: FakeUser[];
}

/** A bot account: its token authenticates REST calls and gateway sessions. */
export interface FakeBot {
  token: string;
  userId: string;
}

export interface FakeUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  content: string;
  nonce?: string;
  author: FakeUser;
  timestamp: string;
  type: number;
  message_reference?: { message_id: string; channel_id: string };
}

export interface FakeInvite {
  code: string;
  channelId: string;
  max_age: number;
  max_uses: number;
  unique: boolean;
}

/** An answer; thrown by lookups (404s, 403s) to cut a handler short. */
class Reply extends Error {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const discordError = (status: number, code: number, message: string) => new Reply(status, { message, code });
const unknownChannel = () => discordError(404, 10003, 'Unknown Channel');
const unknownGuild = () => discordError(404, 10004, 'Unknown Guild');
const unknownMember = () => discordError(404, 10007, 'Unknown Member');

// Snowflakes as Discord makes them, from the current time (discord.js reads a message's creation
// time from its id): 18-19 digits, which @discordjs/rest needs to spot major parameters.
const DISCORD_EPOCH = 1420070400000n;
let lastSnowflake = 0n;
const snowflake = () => {
  const now = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
  lastSnowflake = now > lastSnowflake ? now : lastSnowflake + 1n;
  return lastSnowflake.toString();
};
const timestampOf = (id: string) => new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH)).toISOString();

export const user = (id: string, bot = false): FakeUser => ({ id, username: `user${id.slice(-6)}`, discriminator: '0', global_name: null, avatar: null, ...(bot ? { bot } : {}) });

export class FakeDiscord {
  readonly token = FAKE_DISCORD_TOKEN;
  /** The default bot; addBot() makes more. */
  readonly botUserId = snowflake();
  readonly requests: RecordedRequest[] = [];
  readonly invites: FakeInvite[] = [];
  readonly kicked: { guildId: string; userId: string }[] = [];

  private readonly guilds = new Map<string, FakeGuild>();
  private readonly channels = new Map<string, FakeChannel>();
  private readonly members = new Map<string, Map<string, { roles: string[]; joined_at: string }>>();
  private readonly channelMessages = new Map<string, FakeMessage[]>();
  private readonly threadMemberIds = new Map<string, Set<string>>(); // thread id → member user ids
  private readonly dmChannels = new Map<string, string>(); // `${bot user id}:${user id}` → channel id
  private readonly oauthTokens = new Map<string, string>(); // OAuth2 access token → user id
  private readonly bots = new Map<string, FakeBot>([[FAKE_DISCORD_TOKEN, { token: FAKE_DISCORD_TOKEN, userId: this.botUserId }]]);
  private gateway?: FakeGateway;
  private faults: (Fault & { remaining: number })[] = [];
  private hangs: { method?: string; path: RegExp }[] = [];

  constructor(
    private readonly server: Server,
    readonly apiUrl: string,
  ) {}

  async close(): Promise<void> {
    await this.gateway?.close();
    await new Promise<void>((resolve, reject) => {
      this.server.closeAllConnections(); // hung requests too
      this.server.close((error) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * Starts the gateway (a WebSocket server) that `GET /gateway/bot` points discord.js at; from then
   * on every message created (by a bot through REST, or by postMessage) is dispatched to the
   * connected sessions of the bots that can see it.
   */
  async startGateway(options: { heartbeatIntervalMs?: number } = {}): Promise<FakeGateway> {
    this.gateway ??= await startFakeGateway(this, options);
    return this.gateway;
  }

  /** Forgets everything seeded, recorded and injected. */
  reset(): void {
    for (const list of [this.requests, this.invites, this.kicked]) list.length = 0;
    for (const map of [this.guilds, this.channels, this.members, this.channelMessages, this.threadMemberIds, this.dmChannels, this.oauthTokens]) map.clear();
    for (const token of this.bots.keys()) if (token !== FAKE_DISCORD_TOKEN) this.bots.delete(token);
    this.faults = [];
    this.hangs = [];
  }

  // --- seeding -------------------------------------------------------------------------------

  /** Another bot account with its own token (for several bots in one fake). */
  addBot(): FakeBot {
    const bot = { token: `fake-bot-token-${snowflake()}`, userId: snowflake() };
    this.bots.set(bot.token, bot);
    return bot;
  }

  /** The bot a token belongs to, if any. */
  botByToken(token: string): FakeBot | undefined {
    return this.bots.get(token);
  }

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
      roles?: { id?: string; permissions: bigint; aboveBot?: boolean }[];
      bots?: string[];
    } = {},
  ): {
    id: string;
    botRoleId: string;
    roleIds: string[];
  } {
    const id = options.id ?? snowflake();
    const role = (roleId: string, name: string, position: number, permissions: bigint): FakeRole => ({
      id: roleId,
      name,
      position,
      permissions: permissions.toString(),
      color: 0,
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0,
    });
    const botRoleId = snowflake();
    const wanted = options.roles ?? [];
    const botPosition = wanted.filter((r) => !r.aboveBot).length + 1;
    const below = wanted.filter((r) => !r.aboveBot);
    const above = wanted.filter((r) => r.aboveBot);
    const position = (r: (typeof wanted)[number]) => (r.aboveBot ? botPosition + 1 + above.indexOf(r) : below.indexOf(r) + 1);
    const extra = wanted.map((r, i) => role(r.id ?? snowflake(), `role ${i + 1}`, position(r), r.permissions));
    const roles = [role(id, '@everyone', 0, options.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS), ...extra, role(botRoleId, 'bot', botPosition, options.botPermissions ?? DEFAULT_BOT_PERMISSIONS)];
    this.guilds.set(id, { id, name: `guild ${id.slice(-6)}`, owner_id: options.ownerId ?? snowflake(), roles });
    this.members.set(id, new Map());
    for (const botId of options.bots ?? [this.botUserId]) this.addMember(id, botId, [botRoleId]);
    return { id, botRoleId, roleIds: extra.map((r) => r.id) };
  }

  addChannel(guildId: string, options: { id?: string; type?: ChannelType.GuildText; name?: string; permissionOverwrites?: APIOverwrite[] } = {}): string {
    if (!this.guilds.has(guildId)) throw new Error(`no guild ${guildId}`);
    const id = options.id ?? snowflake();
    this.channels.set(id, { id, type: options.type ?? ChannelType.GuildText, guild_id: guildId, name: options.name ?? `channel-${id.slice(-6)}`, permission_overwrites: options.permissionOverwrites ?? [] });
    return id;
  }

  /** Adds (or replaces) a member; returns the user id, new unless given. */
  addMember(guildId: string, userId: string = snowflake(), roleIds: string[] = []): string {
    const members = this.members.get(guildId);
    if (!members) throw new Error(`no guild ${guildId}`);
    members.set(userId, { roles: [...roleIds], joined_at: new Date().toISOString() });
    return userId;
  }

  /** Changes a role's permissions, as a server admin would in Discord's settings. */
  setRolePermissions(guildId: string, roleId: string, permissions: bigint): void {
    const role = this.guild(guildId).roles.find((r) => r.id === roleId);
    if (!role) throw new Error(`no role ${roleId} in guild ${guildId}`);
    role.permissions = permissions.toString();
  }

  /** An OAuth2 access token (scope `identify`) for the user, as Discord's OAuth2 flow would hand the marketplace. */
  issueOAuthToken(userId: string): string {
    const token = `oauth-${snowflake()}`;
    this.oauthTokens.set(token, userId);
    return token;
  }

  // --- inspection ----------------------------------------------------------------------------

  get threads(): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.type === ChannelType.PrivateThread || c.type === ChannelType.PublicThread);
  }

  channel(channelId: string): FakeChannel | undefined {
    return this.channels.get(channelId);
  }

  messages(channelId: string): FakeMessage[] {
    return this.channelMessages.get(channelId) ?? [];
  }

  memberRoles(guildId: string, userId: string): string[] | undefined {
    return this.members.get(guildId)?.get(userId)?.roles;
  }

  threadMembers(threadId: string): string[] {
    return [...(this.threadMemberIds.get(threadId) ?? [])];
  }

  overwrites(channelId: string): APIOverwrite[] {
    return this.channels.get(channelId)?.permission_overwrites ?? [];
  }

  /** The messages of the DM channel between the user and a bot (the default bot unless given). */
  dms(userId: string, botUserId: string = this.botUserId): FakeMessage[] {
    const channelId = this.dmChannels.get(`${botUserId}:${userId}`);
    return channelId ? this.messages(channelId) : [];
  }

  guildsOf(botUserId: string): FakeGuild[] {
    return [...this.guilds.values()].filter((g) => this.members.get(g.id)?.has(botUserId));
  }

  /** A guild's channels (threads excluded), as GUILD_CREATE lists them. */
  guildChannels(guildId: string): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.guild_id === guildId && c.parent_id === undefined);
  }

  /** The bots (user ids) that receive a message of the channel: a guild's bot members, or a DM's bot. */
  audienceOf(channelId: string): string[] {
    const channel = this.channels.get(channelId);
    if (!channel) return [];
    if (channel.guild_id !== undefined) return [...this.bots.values()].map((b) => b.userId).filter((id) => this.members.get(channel.guild_id!)?.has(id));
    return channel.type === ChannelType.DM && channel.owner_id !== undefined ? [channel.owner_id] : [];
  }

  // --- users acting --------------------------------------------------------------------------

  /**
   * A user posts a message: into a guild channel (`channelId`), or into their DM with a bot
   * (`dmTo`: the bot's user id). It is kept in the channel's history (what REST backfill reads)
   * and dispatched through the gateway to the bots connected at that moment.
   */
  postMessage(options: { authorId: string; content: string; channelId?: string; dmTo?: string; authorIsBot?: boolean }): FakeMessage {
    const channelId = options.dmTo !== undefined ? this.dmChannel(options.dmTo, options.authorId) : options.channelId;
    if (channelId === undefined) throw new Error('postMessage needs channelId or dmTo');
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId}`);
    return this.record(channel, { content: options.content, author: user(options.authorId, options.authorIsBot ?? false) });
  }

  // --- fault injection -----------------------------------------------------------------------

  /** The next `times` requests matching method and path get this error instead of an answer. */
  failNext(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** The next request matching never gets an answer (until close): for timeouts. */
  hangNext(match: { method?: string; path: RegExp }): void {
    this.hangs.push(match);
  }

  // --- serving -------------------------------------------------------------------------------

  /** @internal */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/api\/v\d+/, '');
    const method = req.method ?? 'GET';
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.requests.push({ method, path, body, headers: req.headers });

    const matches = (m: { method?: string; path: RegExp }) => (m.method === undefined || m.method === method) && m.path.test(path);
    const hang = this.hangs.findIndex(matches);
    if (hang >= 0) {
      this.hangs.splice(hang, 1);
      return;
    }
    let reply: Reply;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const bot = /^Bot (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const botAccount = bot === undefined ? undefined : this.bots.get(bot);
    if (bearer !== undefined && method === 'GET' && path === '/users/@me') {
      // A user's OAuth2 token: only the user it was issued to, nothing else.
      const userId = this.oauthTokens.get(bearer);
      reply = userId ? new Reply(200, user(userId)) : new Reply(401, { message: '401: Unauthorized', code: 0 });
    } else if (!botAccount) {
      reply = new Reply(401, { message: '401: Unauthorized', code: 0 });
    } else {
      const fault = this.faults.find(matches);
      if (fault) {
        if (--fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
        reply = faultReply(fault, bucketOf(method, path));
      } else {
        reply = this.route(method, path, body, { bot: botAccount, query: url.searchParams });
      }
    }
    send(res, reply, bucketOf(method, path));
  }

  private route(method: string, path: string, body: unknown, request: RequestContext): Reply {
    for (const [m, pattern, handler] of this.routes) {
      const match = m === method ? pattern.exec(path) : null;
      if (!match) continue;
      try {
        return handler(match.slice(1), (body ?? {}) as Record<string, unknown>, request);
      } catch (thrown) {
        if (thrown instanceof Reply) return thrown;
        throw thrown;
      }
    }
    return discordError(404, 0, '404: Not Found');
  }

  private readonly routes: [string, RegExp, (params: string[], body: Record<string, unknown>, request: RequestContext) => Reply][] = [
    ['GET', /^\/gateway\/bot$/, () => this.gatewayInfo()],
    ['GET', /^\/users\/@me$/, (_, __, { bot }) => new Reply(200, user(bot.userId, true))],
    ['POST', /^\/users\/@me\/channels$/, (_, body, { bot }) => this.createDM(bot, String(body.recipient_id))],
    ['GET', /^\/guilds\/(\d+)$/, ([guildId]) => new Reply(200, this.guild(guildId))],
    ['GET', /^\/guilds\/(\d+)\/roles$/, ([guildId]) => new Reply(200, this.guild(guildId).roles)],
    ['GET', /^\/guilds\/(\d+)\/members\/(\d+)$/, ([guildId, userId]) => new Reply(200, this.memberJson(guildId, userId))],
    ['DELETE', /^\/guilds\/(\d+)\/members\/(\d+)$/, ([guildId, userId], _, { bot }) => this.kick(bot, guildId, userId)],
    ['GET', /^\/guilds\/(\d+)\/threads\/active$/, ([guildId]) => this.activeThreads(guildId)],
    ['PUT', /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/, ([g, u, r], _, { bot }) => this.setRole(bot, g, u, r, true)],
    ['DELETE', /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/, ([g, u, r], _, { bot }) => this.setRole(bot, g, u, r, false)],
    ['GET', /^\/channels\/(\d+)$/, ([channelId], _, { bot }) => this.getChannel(bot, channelId)],
    ['POST', /^\/channels\/(\d+)\/threads$/, ([channelId], body, { bot }) => this.createThread(bot, channelId, body)],
    ['PUT', /^\/channels\/(\d+)\/thread-members\/(\d+)$/, ([threadId, userId]) => this.addThreadMember(threadId, userId)],
    ['GET', /^\/channels\/(\d+)\/messages$/, ([channelId], _, { bot, query }) => this.listMessages(bot, channelId, query)],
    ['POST', /^\/channels\/(\d+)\/messages$/, ([channelId], body, { bot }) => this.createMessage(bot, channelId, body)],
    ['POST', /^\/channels\/(\d+)\/invites$/, ([channelId], body, { bot }) => this.createInvite(bot, channelId, body)],
    ['PUT', /^\/channels\/(\d+)\/permissions\/(\d+)$/, ([channelId, id], body, { bot }) => this.putOverwrite(bot, channelId, id, body)],
    ['DELETE', /^\/channels\/(\d+)\/permissions\/(\d+)$/, ([channelId, id], _, { bot }) => this.deleteOverwrite(bot, channelId, id)],
  ];

  private gatewayInfo(): Reply {
    if (!this.gateway) return discordError(404, 0, '404: Not Found (the fake has no gateway: call startGateway())');
    const limit = { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 };
    return new Reply(200, { url: this.gateway.url, shards: 1, session_start_limit: limit });
  }

  private guild(guildId: string): FakeGuild {
    const guild = this.guilds.get(guildId);
    if (!guild) throw unknownGuild();
    return guild;
  }

  private channelOr404(channelId: string): FakeChannel {
    const channel = this.channels.get(channelId);
    if (!channel) throw unknownChannel();
    return channel;
  }

  private memberJson(guildId: string, userId: string) {
    const member = this.members.get(this.guild(guildId).id)?.get(userId);
    if (!member) throw unknownMember();
    return { user: user(userId, [...this.bots.values()].some((b) => b.userId === userId)), roles: member.roles, joined_at: member.joined_at, nick: null, avatar: null, deaf: false, mute: false, flags: 0 };
  }

  /** 403 Missing Permissions unless the bot has `permission` in the channel (a thread: its parent) or guild. */
  private requireBotPermission(bot: FakeBot, guildId: string, permission: bigint, channel?: FakeChannel): void {
    if ((this.botPermissions(bot, guildId, channel) & permission) !== permission) throw discordError(403, 50013, 'Missing Permissions');
  }

  private botPermissions(bot: FakeBot, guildId: string, channel?: FakeChannel): bigint {
    const guild = this.guild(guildId);
    const overwritesFrom = channel?.parent_id ? this.channels.get(channel.parent_id) : channel;
    return computeChannelPermissions(guild, this.memberJson(guildId, bot.userId), bot.userId, overwritesFrom ?? {});
  }

  /** A guild channel the bot cannot see is 403 Missing Access, as on Discord; so is another bot's DM. */
  private visibleChannel(bot: FakeBot, channelId: string): FakeChannel {
    const channel = this.channelOr404(channelId);
    const visible =
      channel.guild_id !== undefined ? (this.botPermissions(bot, channel.guild_id, channel) & PermissionFlagsBits.ViewChannel) !== 0n : channel.owner_id === undefined || channel.owner_id === bot.userId;
    if (!visible) throw discordError(403, 50001, 'Missing Access');
    return channel;
  }

  private getChannel(bot: FakeBot, channelId: string): Reply {
    const channel = this.visibleChannel(bot, channelId);
    return new Reply(200, { ...channel, last_message_id: this.messages(channelId).at(-1)?.id ?? null });
  }

  /** Discord's answer: up to `limit` (50 unless told, at most 100) messages, newest first; with `after`, the oldest ones after it. */
  private listMessages(bot: FakeBot, channelId: string, query: URLSearchParams): Reply {
    const channel = this.visibleChannel(bot, channelId);
    if (channel.guild_id !== undefined) this.requireBotPermission(bot, channel.guild_id, PermissionFlagsBits.ReadMessageHistory, channel);
    const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50)));
    const after = query.get('after');
    const all = this.messages(channelId);
    const page = after !== null ? all.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limit) : all.slice(-limit);
    return new Reply(200, page.map((m) => this.messageJson(m)).reverse());
  }

  /** 403 Missing Permissions for a role at or above the bot's highest role: Discord's role hierarchy (the owner is exempt). */
  private requireBelowBotTopRole(bot: FakeBot, guild: FakeGuild, roleId: string): void {
    if (guild.owner_id === bot.userId) return;
    const botRoles = new Set(this.members.get(guild.id)?.get(bot.userId)?.roles ?? []);
    const botTop = Math.max(0, ...guild.roles.filter((r) => botRoles.has(r.id)).map((r) => r.position));
    const role = guild.roles.find((r) => r.id === roleId);
    if (role && role.position >= botTop) throw discordError(403, 50013, 'Missing Permissions');
  }

  private createThread(bot: FakeBot, channelId: string, body: Record<string, unknown>): Reply {
    const parent = this.channelOr404(channelId);
    const type = body.type === ChannelType.PublicThread ? ChannelType.PublicThread : ChannelType.PrivateThread;
    if (parent.guild_id === undefined) throw discordError(400, 50024, 'Cannot execute action on this channel type');
    this.requireBotPermission(bot, parent.guild_id, type === ChannelType.PrivateThread ? PermissionFlagsBits.CreatePrivateThreads : PermissionFlagsBits.CreatePublicThreads, parent);
    if (typeof body.name !== 'string' || body.name.length === 0 || body.name.length > 100) {
      throw new Reply(400, { message: 'Invalid Form Body', code: 50035, errors: { name: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } } });
    }
    const id = snowflake();
    const thread: FakeChannel = {
      id,
      type,
      guild_id: parent.guild_id,
      parent_id: parent.id,
      owner_id: bot.userId,
      name: body.name,
      thread_metadata: {
        archived: false,
        auto_archive_duration: typeof body.auto_archive_duration === 'number' ? body.auto_archive_duration : 4320,
        archive_timestamp: new Date().toISOString(),
        locked: false,
        ...(type === ChannelType.PrivateThread ? { invitable: body.invitable !== false } : {}),
      },
    };
    this.channels.set(id, thread);
    this.threadMemberIds.set(id, new Set([bot.userId]));
    return new Reply(201, thread);
  }

  private activeThreads(guildId: string): Reply {
    this.guild(guildId);
    const threads = this.threads.filter((t) => t.guild_id === guildId && !t.thread_metadata?.archived);
    return new Reply(200, { threads, members: [] });
  }

  private addThreadMember(threadId: string, userId: string): Reply {
    const thread = this.channelOr404(threadId);
    if (!this.threadMemberIds.has(threadId) || thread.guild_id === undefined) throw discordError(400, 50024, 'Cannot execute action on this channel type');
    if (!this.members.get(thread.guild_id)?.has(userId)) throw unknownMember();
    this.threadMemberIds.get(threadId)?.add(userId);
    return new Reply(204);
  }

  private createMessage(bot: FakeBot, channelId: string, body: Record<string, unknown>): Reply {
    const channel = this.visibleChannel(bot, channelId);
    if (channel.guild_id !== undefined) {
      const isThread = channel.parent_id !== undefined;
      this.requireBotPermission(bot, channel.guild_id, isThread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages, channel);
    }
    if (typeof body.content !== 'string' || body.content.length === 0 || body.content.length > 2000) {
      throw new Reply(400, { message: 'Cannot send an empty message', code: 50006 });
    }
    const nonce = typeof body.nonce === 'string' ? body.nonce : undefined;
    const earlier = body.enforce_nonce === true && nonce !== undefined ? this.messages(channelId).find((m) => m.nonce === nonce) : undefined;
    if (earlier) return new Reply(200, this.messageJson(earlier));
    const reference = body.message_reference as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
    let replyTo: FakeMessage['message_reference'];
    if (reference?.message_id !== undefined) {
      if (this.messages(channelId).some((m) => m.id === reference.message_id)) replyTo = { message_id: reference.message_id, channel_id: channelId };
      else if (reference.fail_if_not_exists !== false) {
        throw new Reply(400, { message: 'Invalid Form Body', code: 50035, errors: { message_reference: { _errors: [{ code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' }] } } });
      }
    }
    const message = this.record(channel, { content: body.content, author: user(bot.userId, true), ...(nonce !== undefined ? { nonce } : {}), ...(replyTo ? { message_reference: replyTo } : {}) });
    return new Reply(200, this.messageJson(message));
  }

  /** Stores a new message in its channel and dispatches it to the bots connected to the gateway. */
  private record(channel: FakeChannel, fields: Pick<FakeMessage, 'content' | 'author' | 'nonce' | 'message_reference'>): FakeMessage {
    const id = snowflake();
    const message: FakeMessage = {
      id,
      channel_id: channel.id,
      ...(channel.guild_id !== undefined ? { guild_id: channel.guild_id } : {}),
      timestamp: timestampOf(id),
      type: fields.message_reference ? 19 : 0,
      ...fields,
    };
    const messages = this.channelMessages.get(channel.id) ?? [];
    this.channelMessages.set(channel.id, messages);
    messages.push(message);
    this.gateway?.messageCreated(message, channel, this.audienceOf(channel.id));
    return message;
  }

  /** A message as Discord's REST API and MESSAGE_CREATE show it. */
  messageJson(message: FakeMessage) {
    return {
      ...message,
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      flags: 0,
    };
  }

  private createInvite(bot: FakeBot, channelId: string, body: Record<string, unknown>): Reply {
    const channel = this.channelOr404(channelId);
    if (channel.guild_id === undefined) throw discordError(400, 50024, 'Cannot execute action on this channel type');
    this.requireBotPermission(bot, channel.guild_id, PermissionFlagsBits.CreateInstantInvite, channel);
    const invite: FakeInvite = {
      code: Math.random().toString(36).slice(2, 10),
      channelId,
      max_age: typeof body.max_age === 'number' ? body.max_age : 86400,
      max_uses: typeof body.max_uses === 'number' ? body.max_uses : 0,
      unique: body.unique === true,
    };
    this.invites.push(invite);
    const guild = this.guild(channel.guild_id);
    return new Reply(200, {
      code: invite.code,
      type: 0,
      guild: { id: guild.id, name: guild.name },
      channel: { id: channel.id, name: channel.name, type: channel.type },
      inviter: user(bot.userId, true),
      uses: 0,
      max_uses: invite.max_uses,
      max_age: invite.max_age,
      temporary: false,
      created_at: new Date().toISOString(),
    });
  }

  private setRole(bot: FakeBot, guildId: string, userId: string, roleId: string, add: boolean): Reply {
    const guild = this.guild(guildId);
    const member = this.members.get(guildId)?.get(userId);
    if (!member) throw unknownMember();
    if (!guild.roles.some((r) => r.id === roleId)) throw discordError(404, 10011, 'Unknown Role');
    this.requireBotPermission(bot, guildId, PermissionFlagsBits.ManageRoles);
    this.requireBelowBotTopRole(bot, guild, roleId);
    member.roles = add ? [...new Set([...member.roles, roleId])] : member.roles.filter((r) => r !== roleId);
    return new Reply(204);
  }

  private putOverwrite(bot: FakeBot, channelId: string, id: string, body: Record<string, unknown>): Reply {
    const channel = this.channelOr404(channelId);
    if (channel.guild_id === undefined || !channel.permission_overwrites) throw discordError(400, 50024, 'Cannot execute action on this channel type');
    this.requireBotPermission(bot, channel.guild_id, PermissionFlagsBits.ManageRoles, channel);
    const overwrite: APIOverwrite = {
      id,
      type: body.type === OverwriteType.Member ? OverwriteType.Member : OverwriteType.Role,
      allow: typeof body.allow === 'string' ? body.allow : '0',
      deny: typeof body.deny === 'string' ? body.deny : '0',
    };
    channel.permission_overwrites = [...channel.permission_overwrites.filter((o) => o.id !== id), overwrite];
    return new Reply(204);
  }

  private deleteOverwrite(bot: FakeBot, channelId: string, id: string): Reply {
    const channel = this.channelOr404(channelId);
    if (channel.guild_id === undefined) throw discordError(400, 50024, 'Cannot execute action on this channel type');
    this.requireBotPermission(bot, channel.guild_id, PermissionFlagsBits.ManageRoles, channel);
    const overwrites = channel.permission_overwrites ?? [];
    if (!overwrites.some((o) => o.id === id)) throw discordError(404, 10009, 'Unknown Overwrite');
    channel.permission_overwrites = overwrites.filter((o) => o.id !== id);
    return new Reply(204);
  }

  private kick(bot: FakeBot, guildId: string, userId: string): Reply {
    const members = this.members.get(this.guild(guildId).id);
    if (!members?.has(userId)) throw unknownMember();
    this.requireBotPermission(bot, guildId, PermissionFlagsBits.KickMembers);
    members.delete(userId);
    this.kicked.push({ guildId, userId });
    return new Reply(204);
  }

  private createDM(bot: FakeBot, userId: string): Reply {
    if (!/^\d+$/.test(userId)) throw new Reply(400, { message: 'Invalid Form Body', code: 50035 });
    const channelId = this.dmChannel(bot.userId, userId);
    return new Reply(200, { ...this.channels.get(channelId), last_message_id: this.messages(channelId).at(-1)?.id ?? null });
  }

  /** The DM channel between a bot and a user (made on first use); `owner_id` marks the bot it belongs to here. */
  private dmChannel(botUserId: string, userId: string): string {
    const key = `${botUserId}:${userId}`;
    let channelId = this.dmChannels.get(key);
    if (!channelId) {
      channelId = snowflake();
      this.dmChannels.set(key, channelId);
      this.channels.set(channelId, { id: channelId, type: ChannelType.DM, owner_id: botUserId, recipients: [user(userId)] });
    }
    return channelId;
  }
}

interface RequestContext {
  /** The bot whose token authenticated the request. */
  bot: FakeBot;
  query: URLSearchParams;
}

/** Starts a fake on 127.0.0.1 with a free port; point DiscordOptions.apiBaseUrl at `apiUrl`. */
export async function startFakeDiscord(): Promise<FakeDiscord> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fake = new FakeDiscord(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    fake.handle(req, res).catch((error: unknown) => send(res, new Reply(500, { message: String(error), code: 0 }), 'fake'));
  });
  return fake;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** One bucket per method and route shape, as Discord's x-ratelimit-bucket hashes roughly are. */
function bucketOf(method: string, path: string): string {
  return Buffer.from(`${method} ${path.replace(/\d+/g, ':id')}`).toString('base64url');
}

function faultReply(fault: Fault, bucket: string): Reply {
  if (fault.status === 429) {
    const seconds = fault.retryAfterSeconds ?? 1;
    return new Reply(
      429,
      { message: fault.message ?? 'You are being rate limited.', retry_after: seconds, global: false },
      {
        'retry-after': String(Math.ceil(seconds)),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': String(seconds),
        'x-ratelimit-bucket': bucket,
        'x-ratelimit-scope': 'user',
      },
    );
  }
  if (fault.status >= 500) return new Reply(fault.status, { message: fault.message ?? '500: Internal Server Error', code: fault.code ?? 0 });
  return discordError(fault.status, fault.code ?? 0, fault.message ?? (fault.status === 403 ? 'Missing Permissions' : 'Error'));
}

function send(res: ServerResponse, reply: Reply, bucket: string): void {
  // Benign rate-limit headers, so the client never thinks a bucket is nearly empty.
  const headers: Record<string, string> = {
    'x-ratelimit-limit': '50',
    'x-ratelimit-remaining': '49',
    'x-ratelimit-reset-after': '1',
    'x-ratelimit-bucket': bucket,
    ...reply.headers,
  };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
  } else {
    res.writeHead(reply.status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  }
}
