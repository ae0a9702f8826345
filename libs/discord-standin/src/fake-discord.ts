// A local HTTP server playing the part of Discord's REST API, so tests and `npm start` (as the
// Discord stand-in: standin.ts) run the real @discordjs/rest code (routing, rate-limit
// bookkeeping, error parsing) without Discord; with startGateway(), also its gateway
// (fake-gateway.ts), so a real discord.js Client connects too.
// Several bots (tokens) can share one fake; users post into channels and DMs with postMessage().
// It also plays Discord's side of HTTP interactions: it signs and POSTs interactions (slash
// commands, button presses) to the app's interactions endpoint and acts on the app's answer.
import { generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApplicationCommandOptionType, ChannelType, ComponentType, InteractionResponseType, InteractionType, MessageFlags, OverwriteType, PermissionFlagsBits } from 'discord.js';
import type { APIInteractionResponse, APIOverwrite } from 'discord.js';
import { computeChannelPermissions } from '@discord-backbone/discord';
import { FakeGateway, startFakeGateway } from './fake-gateway';
import { DISCORD_RATE_LIMIT_RULES, RateLimitRules, StandinRateLimits } from './rate-limits';

export const FAKE_DISCORD_TOKEN = 'fake-bot-token';

/** Discord's limits the fake enforces. */
const DISCORD_LIMITS = { guildChannels: 500, categoryChannels: 50, guildRoles: 250 } as const;
/** Interaction tokens are valid for 15 minutes. */
const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

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

/** What a bot that creates campaigns needs: the above plus managing channels, reading history, voice. */
export const CAMPAIGN_BOT_PERMISSIONS =
  DEFAULT_BOT_PERMISSIONS | PermissionFlagsBits.ManageChannels | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.Connect | PermissionFlagsBits.Speak;

const DEFAULT_EVERYONE_PERMISSIONS = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory;

export interface RecordedRequest {
  method: string;
  /** Without the `/api/v10` prefix, e.g. `/channels/123/threads`. */
  path: string;
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** Which requests a fault, hang or lost answer applies to. */
export interface RequestMatch {
  method?: string;
  path: RegExp;
  /** Only requests whose JSON body (as sent) matches. */
  body?: RegExp;
}

export interface Fault extends RequestMatch {
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
  /** `COMMUNITY` allows announcement channels. */
  features: string[];
}

export interface FakeChannel {
  id: string;
  type: ChannelType;
  name?: string;
  guild_id?: string;
  /** A thread's channel, or a guild channel's category (null: none). */
  parent_id?: string | null;
  owner_id?: string;
  position?: number;
  topic?: string | null;
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
  edited_timestamp?: string | null;
  flags?: number;
  components?: unknown[];
  /** The mentions the last post or edit allowed (`parse: []` pings nobody). */
  allowed_mentions?: unknown;
}

/** Every change to a message's content after it was posted, and who made it. */
export interface MessageEdit {
  channelId: string;
  messageId: string;
  content: string;
  components: unknown[];
  /** `callback`: an interaction's answer (type 7); `webhook`: PATCH with the interaction token; `bot`: PATCH with the bot token. */
  via: 'callback' | 'webhook' | 'bot';
  at: number;
}

/** An interaction the fake sent, with what it is known by. */
export interface FakeInteraction {
  id: string;
  token: string;
  applicationId: string;
  guildId: string;
  channelId: string;
  /** The payload as sent (signed) to the app. */
  payload: Record<string, unknown>;
}

/** What the app answered to an interaction. */
export interface InteractionDelivery {
  interaction: FakeInteraction;
  status: number;
  body: APIInteractionResponse | Record<string, unknown> | undefined;
  /** How long the app took to answer. */
  ms: number;
}

interface TokenRecord {
  applicationId: string;
  channelId: string;
  expiresAt: number;
  /** The message @original names: the deferred answer, or the message whose component was used. */
  messageId?: string;
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
// A seeded object that existed before the test: its snowflake carries that creation time, with a
// sequence in the low bits so that several seeded at the same moment stay distinct.
let seededSequence = 0n;
const snowflakeAt = (createdAt: Date) => (((BigInt(createdAt.getTime()) - DISCORD_EPOCH) << 22n) | (seededSequence++ & 0xfffn)).toString();
const timestampOf = (id: string) => new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH)).toISOString();

export const user = (id: string, bot = false): FakeUser => ({ id, username: `user${id.slice(-6)}`, discriminator: '0', global_name: null, avatar: null, ...(bot ? { bot } : {}) });

export class FakeDiscord {
  /** The default bot; addBot() makes more. */
  readonly botUserId = snowflake();
  readonly requests: RecordedRequest[] = [];
  readonly invites: FakeInvite[] = [];
  readonly kicked: { guildId: string; userId: string }[] = [];
  readonly messageEdits: MessageEdit[] = [];
  /** The application the default bot belongs to: interactions come from it. */
  readonly applicationId = snowflake();
  /** Its public key as the developer portal shows it (hex): what the app verifies interactions with. */
  readonly publicKey: string;
  /** Registered application commands by scope: `global` or a guild id. */
  readonly commands = new Map<string, Record<string, unknown>[]>();
  /** The app's interactions endpoint (Discord's "Interactions Endpoint URL"). */
  interactionsUrl: string | undefined;
  /** Lifetime of an interaction token (15 minutes on Discord). */
  interactionTokenLifetimeMs = INTERACTION_TOKEN_LIFETIME_MS;
  /** Added to every answer: a Discord at a fixed distance. */
  latencyMs = 0;
  /** Keep every request in `requests` (tests read them; a long-running stand-in turns it off). */
  recordRequests = true;
  /** Told of every answer sent (the stand-in logs them). */
  onAnswer?: (answer: { method: string; path: string; status: number }) => void;
  /** Discord's global limit and route buckets, once enforceRateLimits() is called; unset, every request goes through. */
  rateLimits?: StandinRateLimits;

  private readonly signingKey: KeyObject;
  private readonly interactionTokens = new Map<string, TokenRecord>();
  private readonly guilds = new Map<string, FakeGuild>();
  private readonly channels = new Map<string, FakeChannel>();
  private readonly members = new Map<string, Map<string, { roles: string[]; joined_at: string }>>();
  private readonly channelMessages = new Map<string, FakeMessage[]>();
  private readonly threadMemberIds = new Map<string, Set<string>>(); // thread id → member user ids
  private readonly dmChannels = new Map<string, string>(); // `${bot user id}:${user id}` → channel id
  private readonly oauthTokens = new Map<string, string>(); // OAuth2 access token → user id
  private readonly usernames = new Map<string, string>(); // user id → username given by nameUser()
  private readonly bots: Map<string, FakeBot>;
  private gateway?: FakeGateway;
  private faults: (Fault & { remaining: number })[] = [];
  private hangs: RequestMatch[] = [];
  private lostAnswers: RequestMatch[] = [];
  private holds: { match: RequestMatch; released: Promise<void> }[] = [];

  constructor(
    private readonly server: Server,
    readonly apiUrl: string,
    /** The default bot's token. */
    readonly token: string = FAKE_DISCORD_TOKEN,
  ) {
    this.bots = new Map([[token, { token, userId: this.botUserId }]]);
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    this.signingKey = privateKey;
    // The raw 32-byte key is the tail of its SPKI encoding.
    this.publicKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  }

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
    for (const list of [this.requests, this.invites, this.kicked, this.messageEdits]) list.length = 0;
    for (const map of [this.guilds, this.channels, this.members, this.channelMessages, this.threadMemberIds, this.dmChannels, this.oauthTokens, this.usernames, this.commands, this.interactionTokens]) map.clear();
    for (const token of this.bots.keys()) if (token !== this.token) this.bots.delete(token);
    this.faults = [];
    this.hangs = [];
    this.lostAnswers = [];
    this.holds = [];
    this.interactionTokenLifetimeMs = INTERACTION_TOKEN_LIFETIME_MS;
    this.latencyMs = 0;
    this.rateLimits = undefined;
  }

  // --- seeding -------------------------------------------------------------------------------

  /** Another bot account with its own token (for several bots in one fake). */
  addBot(): FakeBot {
    const bot = { token: `fake-bot-token-${snowflake()}`, userId: snowflake() };
    this.bots.set(bot.token, bot);
    return bot;
  }

  /** The bot of the application interactions come from: the default bot. */
  private get applicationBot(): FakeBot {
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
      /** `createdAt` (default now) is the creation time their snowflakes carry. */
      roles?: { id?: string; name?: string; permissions: bigint; aboveBot?: boolean; createdAt?: Date }[];
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
    const extra = wanted.map((r, i) => role(r.id ?? (r.createdAt ? snowflakeAt(r.createdAt) : snowflake()), r.name ?? `role ${i + 1}`, position(r), r.permissions));
    const roles = [role(id, '@everyone', 0, options.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS), ...extra, role(botRoleId, 'bot', botPosition, options.botPermissions ?? DEFAULT_BOT_PERMISSIONS)];
    this.guilds.set(id, { id, name: options.name ?? `guild ${id.slice(-6)}`, owner_id: options.ownerId ?? snowflake(), roles, features: options.community ? ['COMMUNITY', 'NEWS'] : [] });
    this.members.set(id, new Map());
    for (const botId of options.bots ?? [this.botUserId]) this.addMember(id, botId, [botRoleId]);
    return { id, botRoleId, roleIds: extra.map((r) => r.id) };
  }

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

  /** A channel someone (not the bot) deletes; its threads go with it, its children lose their category. */
  removeChannel(channelId: string): void {
    this.channelOr404(channelId);
    this.dropChannel(channelId);
  }

  /** Adds (or replaces) a member; returns the user id, new unless given. */
  addMember(guildId: string, userId: string = snowflake(), roleIds: string[] = []): string {
    const members = this.members.get(guildId);
    if (!members) throw new Error(`no guild ${guildId}`);
    members.set(userId, { roles: [...roleIds], joined_at: new Date().toISOString() });
    return userId;
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

  /** A role someone made, `createdAt` (default now), ranked just above @everyone; returns its id. */
  addRole(guildId: string, options: { name: string; permissions?: bigint; createdAt?: Date }): string {
    return this.insertRole(this.guild(guildId), options.name, options.permissions ?? 0n, false, options.createdAt ? snowflakeAt(options.createdAt) : snowflake()).id;
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

  /** Every guild, in the order they were added. */
  guildList(): FakeGuild[] {
    return [...this.guilds.values()];
  }

  /** A guild's members: user ids with their role ids. */
  guildMembers(guildId: string): { userId: string; roles: string[] }[] {
    return [...(this.members.get(guildId) ?? new Map<string, { roles: string[] }>())].map(([userId, member]) => ({ userId, roles: [...member.roles] }));
  }

  /** Every DM channel: the bot it belongs to and the user at the other end. */
  dmChannelList(): { channelId: string; botUserId: string; userId: string }[] {
    return [...this.dmChannels].map(([key, channelId]) => {
      const [botUserId, userId] = key.split(':');
      return { channelId, botUserId, userId };
    });
  }

  guildsOf(botUserId: string): FakeGuild[] {
    return [...this.guilds.values()].filter((g) => this.members.get(g.id)?.has(botUserId));
  }

  /** A guild's channels and categories (threads excluded), as GUILD_CREATE lists them. */
  guildChannels(guildId: string): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.guild_id === guildId && !isThread(c));
  }

  roles(guildId: string): FakeRole[] {
    return this.guilds.get(guildId)?.roles ?? [];
  }

  message(channelId: string, messageId: string): FakeMessage | undefined {
    return this.messages(channelId).find((m) => m.id === messageId);
  }

  /** The message an interaction's token calls @original (its deferred answer, or its component's message). */
  originalResponse(interaction: Pick<FakeInteraction, 'token' | 'channelId'>): FakeMessage | undefined {
    const messageId = this.interactionTokens.get(interaction.token)?.messageId;
    return messageId === undefined ? undefined : this.message(interaction.channelId, messageId);
  }

  /** Edits of one message, in order. */
  editsOf(messageId: string): MessageEdit[] {
    return this.messageEdits.filter((e) => e.messageId === messageId);
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
    return this.record(channel, { content: options.content, author: this.person(options.authorId, options.authorIsBot ?? false) });
  }

  // --- fault injection -----------------------------------------------------------------------

  /** From now on, answers 429 as Discord does beyond its global limit and route buckets (DISCORD_RATE_LIMIT_RULES unless given). */
  enforceRateLimits(rules: RateLimitRules = DISCORD_RATE_LIMIT_RULES): StandinRateLimits {
    this.rateLimits = new StandinRateLimits(rules);
    return this.rateLimits;
  }

  /** The next `times` requests matching method and path get this error instead of an answer. */
  failNext(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** The next request matching never gets an answer (until close): for timeouts. */
  hangNext(match: RequestMatch): void {
    this.hangs.push(match);
  }

  /**
   * The next request matching is carried out, but its answer never arrives (until close): a call
   * that succeeded on Discord while the caller stopped waiting, as when a worker dies between
   * Discord's create and its own record of it.
   */
  loseNextAnswer(match: RequestMatch): void {
    this.lostAnswers.push(match);
  }

  /**
   * The next request matching waits until the returned function is called, then is carried out
   * and answered: a call that lands on Discord late, after calls made after it (recorded in
   * `requests` when it arrives).
   */
  holdNext(match: RequestMatch): () => void {
    let release = () => {};
    this.holds.push({ match, released: new Promise<void>((resolve) => (release = resolve)) });
    return () => release();
  }

  // --- interactions (Discord → app) ----------------------------------------------------------

  /**
   * Signs (Ed25519 over timestamp + body, as Discord does) and POSTs an interaction to
   * `interactionsUrl`, then acts on the answer: a deferred or immediate answer becomes the
   * interaction's original message, an update (type 7) edits the component's message.
   * `signature`/`timestamp` override what is sent, and `body` replaces the body after signing
   * (altered in transit), to play a forger or a replay.
   */
  async sendInteraction(
    interaction: FakeInteraction,
    tamper: { signature?: string | null; timestamp?: number; body?: string } = {},
  ): Promise<InteractionDelivery> {
    if (!this.interactionsUrl) throw new Error('No interactions endpoint: set interactionsUrl');
    const signed = JSON.stringify(interaction.payload);
    const body = tamper.body ?? signed;
    const timestamp = String(tamper.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = tamper.signature === undefined ? sign(null, Buffer.from(timestamp + signed), this.signingKey).toString('hex') : tamper.signature;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-signature-timestamp': timestamp, 'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)' };
    if (signature !== null) headers['x-signature-ed25519'] = signature;
    const started = performance.now();
    const res = await fetch(this.interactionsUrl, { method: 'POST', headers, body });
    const text = await res.text();
    const ms = performance.now() - started;
    const answer = parseAnswer(text);
    if (res.status === 200 && answer && tamper.body === undefined) this.applyInteractionResponse(interaction, answer);
    return { interaction, status: res.status, body: answer, ms };
  }

  /** The PING Discord sends when the endpoint URL is saved in the developer portal (it expects PONG). */
  pingInteraction(): FakeInteraction {
    const interaction = this.newInteraction('', ''); // no guild, no channel
    interaction.payload = { id: interaction.id, application_id: interaction.applicationId, type: InteractionType.Ping, token: interaction.token, version: 1 };
    return interaction;
  }

  /** A slash command invoked by `userId` in a guild channel; the member's permissions are computed unless given. */
  commandInteraction(options: {
    guildId: string;
    channelId: string;
    userId: string;
    name: string;
    options?: Record<string, string>;
    permissions?: bigint;
  }): FakeInteraction {
    const interaction = this.newInteraction(options.guildId, options.channelId);
    interaction.payload = {
      ...this.interactionBase(interaction, options.userId, options.permissions),
      type: InteractionType.ApplicationCommand,
      data: {
        id: snowflake(),
        name: options.name,
        type: 1,
        options: Object.entries(options.options ?? {}).map(([name, value]) => ({ name, type: ApplicationCommandOptionType.String, value })),
      },
    };
    return interaction;
  }

  /** A press of the button `customId` on a message, by `userId`. */
  buttonInteraction(options: { channelId: string; messageId: string; customId: string; userId: string; permissions?: bigint }): FakeInteraction {
    const message = this.message(options.channelId, options.messageId);
    const channel = this.channels.get(options.channelId);
    if (!message || !channel?.guild_id) throw new Error(`no message ${options.messageId} in a guild channel ${options.channelId}`);
    const interaction = this.newInteraction(channel.guild_id, options.channelId);
    interaction.payload = {
      ...this.interactionBase(interaction, options.userId, options.permissions),
      type: InteractionType.MessageComponent,
      message,
      data: { custom_id: options.customId, component_type: ComponentType.Button },
    };
    return interaction;
  }

  private newInteraction(guildId: string, channelId: string): FakeInteraction {
    // Interaction tokens are long opaque strings; this one is shaped like Discord's.
    const token = `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`;
    return { id: snowflake(), token, applicationId: this.applicationId, guildId, channelId, payload: {} };
  }

  private interactionBase(interaction: FakeInteraction, userId: string, permissions: bigint | undefined): Record<string, unknown> {
    const guild = this.guild(interaction.guildId);
    const channel = this.channelOr404(interaction.channelId);
    const member = this.members.get(guild.id)?.get(userId) ?? { roles: [], joined_at: new Date().toISOString() };
    const memberPermissions = permissions ?? computeChannelPermissions(guild, member, userId, channel);
    return {
      id: interaction.id,
      application_id: interaction.applicationId,
      token: interaction.token,
      version: 1,
      guild_id: guild.id,
      guild: { id: guild.id, locale: 'en-US', features: guild.features },
      channel_id: channel.id,
      channel: { id: channel.id, type: channel.type, guild_id: guild.id, name: channel.name },
      member: { user: this.person(userId), roles: member.roles, permissions: memberPermissions.toString(), joined_at: member.joined_at, nick: null, avatar: null, deaf: false, mute: false, flags: 0 },
      app_permissions: this.botPermissions(this.applicationBot, guild.id, channel).toString(),
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: 0,
    };
  }

  /** What Discord does with the app's answer. A second answer to one interaction is ignored, as Discord refuses it. */
  private applyInteractionResponse(interaction: FakeInteraction, answer: APIInteractionResponse): void {
    if (this.interactionTokens.has(interaction.token) || answer.type === InteractionResponseType.Pong) return;
    const record: TokenRecord = { applicationId: interaction.applicationId, channelId: interaction.channelId, expiresAt: Date.now() + this.interactionTokenLifetimeMs };
    this.interactionTokens.set(interaction.token, record);
    const data = ('data' in answer ? answer.data : undefined) as { content?: string; components?: unknown[]; flags?: number } | undefined;
    if (answer.type === InteractionResponseType.DeferredChannelMessageWithSource || answer.type === InteractionResponseType.ChannelMessageWithSource) {
      const deferred = answer.type === InteractionResponseType.DeferredChannelMessageWithSource;
      const flags = (data?.flags ?? 0) & MessageFlags.Ephemeral;
      const message = this.record(this.channelOr404(interaction.channelId), {
        content: deferred ? '' : (data?.content ?? ''),
        author: this.person(this.applicationBot.userId, true),
        components: deferred ? [] : (data?.components ?? []),
        flags: deferred ? flags | MessageFlags.Loading : flags,
        type: 20, // ChatInputCommand
      });
      record.messageId = message.id;
    } else if (answer.type === InteractionResponseType.DeferredMessageUpdate || answer.type === InteractionResponseType.UpdateMessage) {
      const messageId = (interaction.payload.message as FakeMessage | undefined)?.id;
      record.messageId = messageId;
      if (answer.type === InteractionResponseType.UpdateMessage && messageId) this.editMessage(interaction.channelId, messageId, data ?? {}, 'callback');
    }
  }


  // --- serving -------------------------------------------------------------------------------

  /** @internal */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const method = req.method ?? 'GET';
    const body: unknown = text ? JSON.parse(text) : undefined;
    if (this.recordRequests) this.requests.push({ method, path, body, headers: req.headers });
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));

    const matches = (m: RequestMatch) => (m.method === undefined || m.method === method) && m.path.test(path) && (m.body === undefined || m.body.test(text));
    const take = (list: RequestMatch[]) => {
      const index = list.findIndex(matches);
      if (index >= 0) list.splice(index, 1);
      return index >= 0;
    };
    if (take(this.hangs)) return;
    const hold = this.holds.findIndex((h) => matches(h.match));
    if (hold >= 0) await this.holds.splice(hold, 1)[0].released;
    // Webhook routes are authenticated by the token in their path, not by a bot token.
    const webhook = path.startsWith('/webhooks/');
    let reply: Reply;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const bot = /^Bot (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const botAccount = bot === undefined ? undefined : this.bots.get(bot);
    if (bearer !== undefined && method === 'GET' && path === '/users/@me') {
      // A user's OAuth2 token: only the user it was issued to, nothing else.
      const userId = this.oauthTokens.get(bearer);
      reply = userId ? new Reply(200, this.person(userId)) : new Reply(401, { message: '401: Unauthorized', code: 0 });
    } else if (!botAccount && !webhook) {
      reply = new Reply(401, { message: '401: Unauthorized', code: 0 });
    } else {
      const fault = this.faults.find(matches);
      if (fault) {
        if (--fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
        reply = faultReply(fault, bucketOf(method, path));
      } else {
        const limits = botAccount && !webhook ? this.rateLimits?.take(bot!, method, path, bucketOf(method, path)) : undefined;
        if (limits?.refused) reply = new Reply(limits.refused.status, limits.refused.body, limits.refused.headers);
        else reply = botAccount && !webhook ? this.route(method, path, body, { bot: botAccount, query: url.searchParams }) : this.webhookRoute(method, path, body);
        if (limits && !limits.refused) Object.assign(reply.headers, limits.headers);
      }
    }
    if (take(this.lostAnswers)) return;
    send(res, reply, bucketOf(method, path));
    try {
      this.onAnswer?.({ method, path: path || '/', status: reply.status });
    } catch {
      // An observer's failure is not the request's: it has been answered.
    }
  }

  /** PATCH …/messages/@original, the one webhook route the fake serves. */
  private webhookRoute(method: string, path: string, body: unknown): Reply {
    const match = method === 'PATCH' ? /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path) : null;
    if (!match) return discordError(404, 0, '404: Not Found');
    try {
      return this.editOriginal(match[1], match[2], (body ?? {}) as Record<string, unknown>);
    } catch (thrown) {
      if (thrown instanceof Reply) return thrown;
      throw thrown;
    }
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
    ['GET', /^\/users\/@me$/, (_, __, { bot }) => new Reply(200, this.person(bot.userId, true))],
    ['GET', /^\/applications\/@me$/, () => new Reply(200, this.application())],
    ['PUT', /^\/applications\/(\d+)\/commands$/, ([applicationId], body) => this.putCommands(applicationId, 'global', body)],
    ['PUT', /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, ([applicationId, guildId], body) => this.putCommands(applicationId, guildId, body)],
    ['GET', /^\/guilds\/(\d+)\/channels$/, ([guildId]) => new Reply(200, this.guildChannels(this.guild(guildId).id))],
    ['POST', /^\/guilds\/(\d+)\/channels$/, ([guildId], body, { bot }) => this.createGuildChannel(bot, guildId, body)],
    ['POST', /^\/guilds\/(\d+)\/roles$/, ([guildId], body, { bot }) => this.createRole(bot, guildId, body)],
    ['DELETE', /^\/guilds\/(\d+)\/roles\/(\d+)$/, ([guildId, roleId], _, { bot }) => this.deleteRole(bot, guildId, roleId)],
    ['DELETE', /^\/channels\/(\d+)$/, ([channelId], _, { bot }) => this.deleteChannel(bot, channelId)],
    ['PATCH', /^\/channels\/(\d+)\/messages\/(\d+)$/, ([channelId, messageId], body, { bot }) => this.botEditMessage(bot, channelId, messageId, body)],
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
    return { user: this.person(userId, [...this.bots.values()].some((b) => b.userId === userId)), roles: member.roles, joined_at: member.joined_at, nick: null, avatar: null, deaf: false, mute: false, flags: 0 };
  }

  /**
   * 403 Missing Permissions unless the bot has `permission` in the channel (a thread: its parent) or
   * guild; 403 Missing Access in a channel it cannot see (without View Channel, Discord grants nothing there).
   */
  private requireBotPermission(bot: FakeBot, guildId: string, permission: bigint, channel?: FakeChannel): void {
    const permissions = this.botPermissions(bot, guildId, channel);
    if (channel && (permissions & PermissionFlagsBits.ViewChannel) === 0n) throw discordError(403, 50001, 'Missing Access');
    if ((permissions & permission) !== permission) throw discordError(403, 50013, 'Missing Permissions');
  }

  private botPermissions(bot: FakeBot, guildId: string, channel?: FakeChannel): bigint {
    const guild = this.guild(guildId);
    const overwritesFrom = channel && isThread(channel) && channel.parent_id ? this.channels.get(channel.parent_id) : channel;
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
      this.requireBotPermission(bot, channel.guild_id, isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages, channel);
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
    const components = Array.isArray(body.components) ? body.components : [];
    const message = this.record(channel, {
      content: body.content,
      author: this.person(bot.userId, true),
      components,
      allowed_mentions: body.allowed_mentions,
      ...(nonce !== undefined ? { nonce } : {}),
      ...(replyTo ? { message_reference: replyTo } : {}),
    });
    return new Reply(200, this.messageJson(message));
  }

  /** Stores a new message in its channel and dispatches it to the bots connected to the gateway. */
  private record(
    channel: FakeChannel,
    fields: Pick<FakeMessage, 'content' | 'author' | 'nonce' | 'message_reference'> & Partial<Pick<FakeMessage, 'type' | 'flags' | 'components' | 'allowed_mentions'>>,
  ): FakeMessage {
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
      edited_timestamp: message.edited_timestamp ?? null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      flags: message.flags ?? 0,
      components: message.components ?? [],
    };
  }

  /** Applies an edit (content, components, allowed mentions) and records it. */
  private editMessage(channelId: string, messageId: string, body: Record<string, unknown>, via: MessageEdit['via']): FakeMessage {
    const message = this.message(channelId, messageId);
    if (!message) throw discordError(404, 10008, 'Unknown Message');
    if (body.content !== undefined && (typeof body.content !== 'string' || body.content.length > 2000)) {
      throw new Reply(400, { message: 'Invalid Form Body', code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } });
    }
    if (typeof body.content === 'string') message.content = body.content;
    if (Array.isArray(body.components)) message.components = body.components;
    if (body.allowed_mentions !== undefined) message.allowed_mentions = body.allowed_mentions;
    message.flags = (message.flags ?? 0) & ~MessageFlags.Loading;
    message.edited_timestamp = new Date().toISOString();
    this.messageEdits.push({ channelId, messageId, content: message.content, components: message.components ?? [], via, at: Date.now() });
    return message;
  }

  /** PATCH …/messages/@original with an interaction token: 401 Invalid Webhook Token once it has expired. */
  private editOriginal(applicationId: string, token: string, body: Record<string, unknown>): Reply {
    const record = this.interactionTokens.get(token);
    if (!record || record.expiresAt <= Date.now()) throw discordError(401, 50027, 'Invalid Webhook Token');
    if (record.applicationId !== applicationId) throw discordError(404, 10015, 'Unknown Webhook');
    if (record.messageId === undefined) throw discordError(404, 10008, 'Unknown Message');
    return new Reply(200, this.editMessage(record.channelId, record.messageId, body, 'webhook'));
  }

  /** PATCH /channels/:id/messages/:id: the bot edits its own message, if it can see the channel. */
  private botEditMessage(bot: FakeBot, channelId: string, messageId: string, body: Record<string, unknown>): Reply {
    this.visibleChannel(bot, channelId);
    const message = this.message(channelId, messageId);
    if (!message) throw discordError(404, 10008, 'Unknown Message');
    if (message.author.id !== bot.userId) throw discordError(403, 50005, 'Cannot edit a message authored by another user');
    return new Reply(200, this.editMessage(channelId, messageId, body, 'bot'));
  }

  private application() {
    return { id: this.applicationId, name: 'Fake application', description: '', icon: null, bot_public: true, bot_require_code_grant: false, verify_key: this.publicKey, flags: 0, bot: this.person(this.applicationBot.userId, true) };
  }

  /** Bulk overwrite: the scope's commands become exactly these. */
  private putCommands(applicationId: string, scope: string, body: unknown): Reply {
    if (applicationId !== this.applicationId) throw discordError(403, 50001, 'Missing Access');
    if (scope !== 'global') this.guild(scope);
    if (!Array.isArray(body)) throw new Reply(400, { message: 'Invalid Form Body', code: 50035 });
    const commands = (body as Record<string, unknown>[]).map((command) => ({
      ...command,
      id: snowflake(),
      application_id: applicationId,
      ...(scope === 'global' ? {} : { guild_id: scope }),
      version: snowflake(),
    }));
    this.commands.set(scope, commands);
    return new Reply(200, commands);
  }

  /** A role ranked just above @everyone; those above move up one. */
  private insertRole(guild: FakeGuild, name: string, permissions: bigint, mentionable: boolean, id: string = snowflake()): FakeRole {
    for (const role of guild.roles) if (role.position >= 1) role.position += 1;
    const role: FakeRole = { id, name, position: 1, permissions: permissions.toString(), color: 0, hoist: false, managed: false, mentionable, flags: 0 };
    guild.roles.push(role);
    return role;
  }

  /** POST /guilds/:id/roles: Manage Roles, at most 250 roles, and no permission the bot lacks itself. */
  private createRole(bot: FakeBot, guildId: string, body: Record<string, unknown>): Reply {
    const guild = this.guild(guildId);
    this.requireBotPermission(bot, guildId, PermissionFlagsBits.ManageRoles);
    if (guild.roles.length >= DISCORD_LIMITS.guildRoles) throw discordError(400, 30005, `Maximum number of guild roles reached (${DISCORD_LIMITS.guildRoles})`);
    const name = typeof body.name === 'string' ? body.name : 'new role';
    if (name.length > 100) throw new Reply(400, { message: 'Invalid Form Body', code: 50035 });
    const permissions = typeof body.permissions === 'string' ? BigInt(body.permissions) : 0n;
    this.requireBotHas(bot, guildId, permissions);
    return new Reply(200, this.insertRole(guild, name, permissions, body.mentionable === true));
  }

  private deleteRole(bot: FakeBot, guildId: string, roleId: string): Reply {
    const guild = this.guild(guildId);
    if (!guild.roles.some((r) => r.id === roleId) || roleId === guildId) throw discordError(404, 10011, 'Unknown Role');
    this.requireBotPermission(bot, guildId, PermissionFlagsBits.ManageRoles);
    this.requireBelowBotTopRole(bot, guild, roleId);
    guild.roles = guild.roles.filter((r) => r.id !== roleId);
    for (const member of this.members.get(guildId)?.values() ?? []) member.roles = member.roles.filter((r) => r !== roleId);
    return new Reply(204);
  }

  /**
   * POST /guilds/:id/channels, with Discord's rules: Manage Channels; text, voice, category,
   * announcement (Community servers only) or forum; a parent that is one of the guild's
   * categories, with room (50); room in the guild (500); overwrites granting nothing the bot
   * lacks; text-like names lowercased with spaces as dashes.
   */
  private createGuildChannel(bot: FakeBot, guildId: string, body: Record<string, unknown>): Reply {
    const guild = this.guild(guildId);
    const type = (typeof body.type === 'number' ? body.type : ChannelType.GuildText) as ChannelType;
    const parentId = typeof body.parent_id === 'string' ? body.parent_id : null;
    const parent = parentId === null ? undefined : this.channels.get(parentId);
    this.requireBotPermission(bot, guildId, PermissionFlagsBits.ManageChannels, parent);
    const invalid = (field: string, message: string) => new Reply(400, { message: 'Invalid Form Body', code: 50035, errors: { [field]: { _errors: [{ code: 'INVALID', message }] } } });
    if (typeof body.name !== 'string' || body.name.length === 0 || body.name.length > 100) throw invalid('name', 'Must be between 1 and 100 in length.');
    if (![ChannelType.GuildText, ChannelType.GuildVoice, ChannelType.GuildCategory, ChannelType.GuildAnnouncement, ChannelType.GuildForum].includes(type)) {
      throw invalid('type', 'Value must be one of {0, 2, 4, 5, 15}.');
    }
    if (type === ChannelType.GuildAnnouncement && !guild.features.includes('COMMUNITY')) throw invalid('type', 'Announcement channels need a Community server.');
    if (parentId !== null && (type === ChannelType.GuildCategory || parent?.guild_id !== guildId || parent.type !== ChannelType.GuildCategory)) {
      throw invalid('parent_id', 'Unknown category.');
    }
    const siblings = this.guildChannels(guildId);
    if (siblings.length >= DISCORD_LIMITS.guildChannels) throw discordError(400, 30013, `Maximum number of guild channels reached (${DISCORD_LIMITS.guildChannels})`);
    if (parentId !== null && siblings.filter((c) => c.parent_id === parentId).length >= DISCORD_LIMITS.categoryChannels) {
      throw invalid('parent_id', `Maximum number of channels in category reached (${DISCORD_LIMITS.categoryChannels})`);
    }
    const overwrites = (Array.isArray(body.permission_overwrites) ? body.permission_overwrites : []) as { id: string; type: OverwriteType; allow?: string; deny?: string }[];
    for (const o of overwrites) this.requireBotHas(bot, guildId, BigInt(o.allow ?? '0') | BigInt(o.deny ?? '0'));
    const textLike = type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement || type === ChannelType.GuildForum;
    const id = snowflake();
    const channel: FakeChannel = {
      id,
      type,
      guild_id: guildId,
      name: textLike ? body.name.toLowerCase().replace(/\s+/g, '-') : body.name,
      parent_id: parentId,
      position: siblings.length,
      topic: textLike && typeof body.topic === 'string' ? body.topic : null,
      permission_overwrites: overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow ?? '0', deny: o.deny ?? '0' })),
    };
    this.channels.set(id, channel);
    return new Reply(201, channel);
  }

  /** DELETE /channels/:id: Manage Channels there. A category's channels stay, without a parent, as on Discord. */
  private deleteChannel(bot: FakeBot, channelId: string): Reply {
    const channel = this.channelOr404(channelId);
    if (channel.guild_id !== undefined) this.requireBotPermission(bot, channel.guild_id, PermissionFlagsBits.ManageChannels, channel);
    this.dropChannel(channelId);
    return new Reply(200, channel);
  }

  private dropChannel(channelId: string): void {
    this.channels.delete(channelId);
    this.channelMessages.delete(channelId);
    for (const child of [...this.channels.values()]) {
      if (child.parent_id !== channelId) continue;
      if (isThread(child)) this.channels.delete(child.id);
      else child.parent_id = null;
    }
  }

  /** 403 Missing Permissions when an overwrite or role would grant what the bot itself lacks (administrators may). */
  private requireBotHas(bot: FakeBot, guildId: string, permissions: bigint): void {
    const own = this.botPermissions(bot, guildId);
    if ((own & PermissionFlagsBits.Administrator) === 0n && (permissions & ~own) !== 0n) throw discordError(403, 50013, 'Missing Permissions');
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
      inviter: this.person(bot.userId, true),
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
      this.channels.set(channelId, { id: channelId, type: ChannelType.DM, owner_id: botUserId, recipients: [this.person(userId)] });
    }
    return channelId;
  }
}

function isThread(channel: FakeChannel): boolean {
  return channel.type === ChannelType.PrivateThread || channel.type === ChannelType.PublicThread || channel.type === ChannelType.AnnouncementThread;
}

interface RequestContext {
  /** The bot whose token authenticated the request. */
  bot: FakeBot;
  query: URLSearchParams;
}

/** Serves what is not Discord's API (`/api/…`) on the same port: the stand-in's page. */
export type PageHandler = (fake: FakeDiscord, req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Starts a fake on 127.0.0.1 (a free port unless given); point DiscordOptions.apiBaseUrl at `apiUrl`.
 * Paths outside `/api` go to `page` when given.
 */
export async function startFakeDiscord(options: { port?: number; page?: PageHandler; token?: string } = {}): Promise<FakeDiscord> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const fake = new FakeDiscord(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, options.token);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const page = options.page && !/^\/api(\/|$)/.test(req.url ?? '/') ? options.page : undefined;
    (page ? page(fake, req, res) : fake.handle(req, res)).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else send(res, new Reply(500, { message: String(error), code: 0 }), 'fake');
    });
  });
  return fake;
}

/** The app's answer to an interaction: JSON, or nothing usable (Discord would say "This interaction failed"). */
function parseAnswer(text: string): APIInteractionResponse | undefined {
  try {
    return text ? (JSON.parse(text) as APIInteractionResponse) : undefined;
  } catch {
    return undefined;
  }
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
