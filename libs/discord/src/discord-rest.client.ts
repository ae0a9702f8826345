// discord.js's REST client and API types, not discord.js itself: its gateway client would cost an
// app that only calls the REST API ~40 MiB.
import { DefaultRestOptions, parseResponse, RequestMethod, REST } from '@discordjs/rest';
import type { ResponseLike, RouteLike } from '@discordjs/rest';
import { Logger } from '@nestjs/common';
import { SpanKind, trace } from '@opentelemetry/api';
import { ChannelType, OverwriteType, RESTJSONErrorCodes, Routes } from 'discord-api-types/v10';
import type {
  APIActionRowComponent,
  APIApplication,
  APIApplicationCommand,
  APIChannel,
  APIComponentInMessageActionRow,
  APIDMChannel,
  APIExtendedInvite,
  APIGuild,
  APIGuildMember,
  APIMessage,
  APIRole,
  APIThreadChannel,
  APIThreadList,
  APIUser,
  RESTPatchAPIChannelMessageJSONBody,
  RESTPatchAPIWebhookWithTokenMessageJSONBody,
  RESTPostAPIApplicationCommandsJSONBody,
  RESTPostAPIChannelInviteJSONBody,
  RESTPostAPIChannelMessageJSONBody,
  RESTPostAPIChannelThreadsJSONBody,
  RESTPostAPIGuildChannelJSONBody,
  RESTPostAPIGuildRoleJSONBody,
  RESTPutAPIChannelPermissionJSONBody,
  ThreadAutoArchiveDuration,
} from 'discord-api-types/v10';
import { withSpan } from '@discord-backbone/telemetry';
import { BotTokenBreaker, TokenRejection } from './bot-token.breaker';
import {
  DiscordRateLimiter,
  InProcessDiscordRateLimiter,
  rateLimitedRoute,
  rateLimitHeaders,
  tokenHash,
} from './discord-rate-limiter';
import { AS_BOT, authRequestData, DiscordAuth, toAuthDiscordError } from './discord-request.auth';
import {
  DiscordNotConfiguredError,
  DiscordPermanentError,
  DiscordUnauthorizedError,
  DiscordUnavailableError,
  isDiscordErrorCode,
  routeTemplate,
  UNAUTHORIZED_RETRY_SECONDS,
} from './discord.errors';
import type { DiscordOptions } from './discord.options';
import { InvalidRequestBudget } from './invalid-request.budget';

const tracer = trace.getTracer('discord');

export interface CreateThreadOptions {
  name: string;
  type: 'private' | 'public';
  autoArchiveMinutes?: ThreadAutoArchiveDuration;
  /** Private threads only: whether non-moderators may add others. */
  invitable?: boolean;
}

/**
 * Discord's REST API, typed, traced, and with every failure converted by toDiscordError.
 * It never waits out a rate limit: a 429, or a bucket it already knows is empty, throws
 * DiscordRateLimitedError at once so the queue hands the message back with that delay
 * instead of a worker sleeping on it. Nor does it retry: the queue does.
 *
 * A 401 to the bot token opens its BotTokenBreaker (tokenRejection, which DiscordHealthIndicator
 * reports): bot calls then fail at once, but one every `unauthorizedRetrySeconds`. Calls made as
 * a user or with a route's own token (DiscordAuth) neither pass through the breaker nor trip it.
 *
 * Every answer counts into the app's InvalidRequestBudget; while it is spent, calls fail at once
 * with DiscordInvalidRequestBudgetError (a wait) rather than risk Discord banning the IP.
 *
 * Every request the bot token authenticates goes through the app's DiscordRateLimiter just before
 * it leaves (and its answer's rate-limit headers are recorded): with the shared one, the global limit
 * and route buckets are the deployment's, not this process's. Requests with a user's OAuth2 token or
 * an interaction token are outside the bot's limits and skip it.
 *
 * One client per bot token, built by DiscordRestClientFactory (never with `new` elsewhere), which
 * hands each the app's one budget and limiter.
 */
export class DiscordRestClient {
  private readonly logger = new Logger(DiscordRestClient.name);
  private readonly rest: REST;
  private readonly token: string | undefined;
  private readonly breaker: BotTokenBreaker;
  private currentUserId: string | undefined;

  constructor(
    options: DiscordOptions,
    private readonly budget: InvalidRequestBudget,
    limiter: DiscordRateLimiter = new InProcessDiscordRateLimiter(),
  ) {
    this.token = options.token;
    const botAuthorization = options.token ? `Bot ${options.token}` : undefined;
    const hash = options.token ? tokenHash(options.token) : '';
    const apiPrefix = `${options.apiBaseUrl ?? DefaultRestOptions.api}/v10`;
    this.rest = new REST({
      version: '10',
      // REST spreads its options over the defaults: an explicit undefined would erase Discord's URL.
      ...(options.apiBaseUrl ? { api: options.apiBaseUrl } : {}),
      timeout: options.requestTimeoutMs,
      retries: 0,
      rejectOnRateLimit: () => true,
      // The margin REST adds to a wait before resuming; we never wait, and the retry-after we
      // report is rounded up to whole seconds anyway.
      offset: 0,
      // The shared limiter spaces requests by the deployment's global limit; REST's own count would only add refusals of its own.
      ...(limiter.enforcesGlobalLimit ? { globalRequestsPerSecond: Number.MAX_SAFE_INTEGER } : {}),
      // Called by REST for each request it sends, after its own queue: the one place every request passes.
      makeRequest: async (url, init): Promise<ResponseLike> => {
        const headers = init.headers as Record<string, string> | undefined;
        if (botAuthorization === undefined || headers?.Authorization !== botAuthorization || !url.startsWith(apiPrefix))
          return DefaultRestOptions.makeRequest(url, init);
        const route = rateLimitedRoute(hash, init.method ?? 'GET', url.slice(apiPrefix.length).split('?')[0]);
        await limiter.acquire(route);
        const response = await DefaultRestOptions.makeRequest(url, init);
        await limiter.record(route, rateLimitHeaders(response.status, response.headers));
        return response;
      },
    });
    if (options.token) this.rest.setToken(options.token);
    this.breaker = new BotTokenBreaker((options.unauthorizedRetrySeconds ?? UNAUTHORIZED_RETRY_SECONDS) * 1000, () =>
      this.rest.setToken(this.token!),
    );
    budget.watch(this.rest);
  }

  /** Set while Discord rejects the bot token (after a 401, until a call succeeds with it again). */
  tokenRejection(): TokenRejection | undefined {
    return this.breaker.rejection();
  }

  getChannel(channelId: string): Promise<APIChannel> {
    return this.request('getChannel', RequestMethod.Get, Routes.channel(channelId));
  }

  /** The guild with its roles (Discord always includes them). */
  getGuild(guildId: string): Promise<APIGuild> {
    return this.request('getGuild', RequestMethod.Get, Routes.guild(guildId));
  }

  /** The guild's roles with their permissions. */
  getGuildRoles(guildId: string): Promise<APIRole[]> {
    return this.request('getGuildRoles', RequestMethod.Get, Routes.guildRoles(guildId));
  }

  /**
   * The user an OAuth2 access token (scope `identify`) belongs to: proves a Discord account is
   * the caller's. A rejected token is DiscordOAuthTokenRejectedError and never taken for a
   * rejection of the bot token.
   */
  getOAuthUser(accessToken: string): Promise<APIUser> {
    return this.request('getOAuthUser', RequestMethod.Get, Routes.user(), { auth: { as: 'user', accessToken } });
  }

  async getCurrentUser(): Promise<APIUser> {
    const user = await this.request<APIUser>('getCurrentUser', RequestMethod.Get, Routes.user());
    this.currentUserId = user.id;
    return user;
  }

  /** A thread not attached to a message. */
  createThread(channelId: string, options: CreateThreadOptions): Promise<APIThreadChannel> {
    const body: RESTPostAPIChannelThreadsJSONBody = {
      name: options.name,
      type: options.type === 'private' ? ChannelType.PrivateThread : ChannelType.PublicThread,
      auto_archive_duration: options.autoArchiveMinutes,
      invitable: options.type === 'private' ? options.invitable : undefined,
    };
    return this.request('createThread', RequestMethod.Post, Routes.threads(channelId), { body });
  }

  async listActiveThreads(guildId: string): Promise<APIThreadChannel[]> {
    const list = await this.request<APIThreadList>(
      'listActiveThreads',
      RequestMethod.Get,
      Routes.guildActiveThreads(guildId),
    );
    return list.threads as APIThreadChannel[];
  }

  async addThreadMember(threadId: string, userId: string): Promise<void> {
    await this.request('addThreadMember', RequestMethod.Put, Routes.threadMembers(threadId, userId));
  }

  /**
   * With a nonce, Discord returns the message already created with that nonce in the channel
   * (for a few minutes) instead of posting it again: a retried send does not duplicate.
   * Mentions ping nobody unless listed in `mentionUsers`: forwarded text cannot @everyone.
   */
  sendMessage(
    channelId: string,
    message: {
      content: string;
      nonce?: string;
      mentionUsers?: string[];
      replyTo?: string;
      components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
    },
  ): Promise<APIMessage> {
    const { content, nonce, replyTo, components } = message;
    const allowed_mentions = { parse: [], users: message.mentionUsers ?? [] };
    const body: RESTPostAPIChannelMessageJSONBody = {
      content,
      allowed_mentions,
      ...(components ? { components } : {}),
      ...(nonce === undefined ? {} : { nonce, enforce_nonce: true }),
      // Replying to a message Discord does not know fails (Invalid Form Body) rather than posting without the reply.
      ...(replyTo === undefined ? {} : { message_reference: { message_id: replyTo, fail_if_not_exists: true } }),
    };
    return this.request('sendMessage', RequestMethod.Post, Routes.channelMessages(channelId), { body });
  }

  /** Edits one of the bot's own messages. */
  editMessage(channelId: string, messageId: string, body: RESTPatchAPIChannelMessageJSONBody): Promise<APIMessage> {
    return this.request('editMessage', RequestMethod.Patch, Routes.channelMessage(channelId, messageId), { body });
  }

  /**
   * Edits the original response of an interaction through its token (15 minutes from the
   * interaction), not the bot token. A refused token throws DiscordInteractionTokenError.
   */
  editInteractionResponse(
    applicationId: string,
    interactionToken: string,
    body: RESTPatchAPIWebhookWithTokenMessageJSONBody,
  ): Promise<APIMessage> {
    return this.request(
      'editInteractionResponse',
      RequestMethod.Patch,
      Routes.webhookMessage(applicationId, interactionToken, '@original'),
      { body, auth: { as: 'route-token' } },
    );
  }

  /** The guild's channels (threads excluded), categories included. */
  listGuildChannels(guildId: string): Promise<APIChannel[]> {
    return this.request('listGuildChannels', RequestMethod.Get, Routes.guildChannels(guildId));
  }

  createGuildChannel(guildId: string, body: RESTPostAPIGuildChannelJSONBody, reason?: string): Promise<APIChannel> {
    return this.request('createGuildChannel', RequestMethod.Post, Routes.guildChannels(guildId), { body, reason });
  }

  /** Idempotent: a channel already gone (Unknown Channel) counts as deleted; false then. */
  async deleteChannel(channelId: string, reason?: string): Promise<boolean> {
    try {
      await this.request('deleteChannel', RequestMethod.Delete, Routes.channel(channelId), { reason });
      return true;
    } catch (error) {
      if (isDiscordErrorCode(error, RESTJSONErrorCodes.UnknownChannel)) return false;
      throw error;
    }
  }

  createRole(
    guildId: string,
    role: { name: string; permissions: bigint; mentionable?: boolean },
    reason?: string,
  ): Promise<APIRole> {
    const body: RESTPostAPIGuildRoleJSONBody = {
      name: role.name,
      permissions: role.permissions.toString(),
      mentionable: role.mentionable ?? false,
    };
    return this.request('createRole', RequestMethod.Post, Routes.guildRoles(guildId), { body, reason });
  }

  /** Idempotent: a role already gone (Unknown Role) counts as deleted; false then. */
  async deleteRole(guildId: string, roleId: string, reason?: string): Promise<boolean> {
    try {
      await this.request('deleteRole', RequestMethod.Delete, Routes.guildRole(guildId, roleId), { reason });
      return true;
    } catch (error) {
      if (isDiscordErrorCode(error, RESTJSONErrorCodes.UnknownRole)) return false;
      throw error;
    }
  }

  /** The application the bot token belongs to (its id is what commands are registered under). */
  getCurrentApplication(): Promise<APIApplication> {
    return this.request('getCurrentApplication', RequestMethod.Get, Routes.currentApplication());
  }

  /** Replaces every command of the application, globally or (with `guildId`) in one guild. */
  overwriteCommands(
    applicationId: string,
    commands: RESTPostAPIApplicationCommandsJSONBody[],
    guildId?: string,
  ): Promise<APIApplicationCommand[]> {
    const route =
      guildId === undefined
        ? Routes.applicationCommands(applicationId)
        : Routes.applicationGuildCommands(applicationId, guildId);
    return this.request('overwriteCommands', RequestMethod.Put, route, { body: commands });
  }

  /**
   * Up to `limit` (1–100) messages of the channel posted after the message `after`, oldest first
   * (Discord answers newest first; they are sorted here).
   */
  async getMessagesAfter(channelId: string, after: string, limit: number): Promise<APIMessage[]> {
    const query = new URLSearchParams({ after, limit: String(limit) });
    const messages = await this.request<APIMessage[]>(
      'getMessagesAfter',
      RequestMethod.Get,
      Routes.channelMessages(channelId),
      { query },
    );
    return messages.sort((a, b) => compareSnowflakes(a.id, b.id));
  }

  createInvite(
    channelId: string,
    invite: { maxAgeSeconds: number; maxUses: number; unique: boolean },
  ): Promise<APIExtendedInvite> {
    const body: RESTPostAPIChannelInviteJSONBody = {
      max_age: invite.maxAgeSeconds,
      max_uses: invite.maxUses,
      unique: invite.unique,
    };
    return this.request('createInvite', RequestMethod.Post, Routes.channelInvites(channelId), { body });
  }

  /** The member, or null when the user is not in the guild (Unknown Member). */
  async getGuildMember(guildId: string, userId: string): Promise<APIGuildMember | null> {
    try {
      return await this.request<APIGuildMember>(
        'getGuildMember',
        RequestMethod.Get,
        Routes.guildMember(guildId, userId),
      );
    } catch (error) {
      if (isDiscordErrorCode(error, RESTJSONErrorCodes.UnknownMember)) return null;
      throw error;
    }
  }

  /** The bot's own membership (its roles decide what it may do in the guild). */
  async getBotMember(guildId: string): Promise<APIGuildMember> {
    const userId = this.currentUserId ?? (await this.getCurrentUser()).id;
    return this.request('getBotMember', RequestMethod.Get, Routes.guildMember(guildId, userId));
  }

  async addMemberRole(guildId: string, userId: string, roleId: string, reason?: string): Promise<void> {
    await this.request('addMemberRole', RequestMethod.Put, Routes.guildMemberRole(guildId, userId, roleId), { reason });
  }

  async removeMemberRole(guildId: string, userId: string, roleId: string, reason?: string): Promise<void> {
    await this.request('removeMemberRole', RequestMethod.Delete, Routes.guildMemberRole(guildId, userId, roleId), {
      reason,
    });
  }

  /** Creates or replaces the member's overwrite on the channel. */
  async setMemberOverwrite(
    channelId: string,
    userId: string,
    permissions: { allow: bigint; deny: bigint },
    reason?: string,
  ): Promise<void> {
    const body: RESTPutAPIChannelPermissionJSONBody = {
      type: OverwriteType.Member,
      allow: permissions.allow.toString(),
      deny: permissions.deny.toString(),
    };
    await this.request('setMemberOverwrite', RequestMethod.Put, Routes.channelPermission(channelId, userId), {
      body,
      reason,
    });
  }

  /** Idempotent: an overwrite already gone (Unknown Overwrite) counts as removed. */
  async deleteOverwrite(channelId: string, overwriteId: string, reason?: string): Promise<void> {
    try {
      await this.request('deleteOverwrite', RequestMethod.Delete, Routes.channelPermission(channelId, overwriteId), {
        reason,
      });
    } catch (error) {
      if (!isDiscordErrorCode(error, RESTJSONErrorCodes.UnknownPermissionOverwrite)) throw error;
    }
  }

  /** Idempotent: a user no longer in the guild (Unknown Member) counts as kicked. */
  async kickMember(guildId: string, userId: string, reason?: string): Promise<void> {
    try {
      await this.request('kickMember', RequestMethod.Delete, Routes.guildMember(guildId, userId), { reason });
    } catch (error) {
      if (!isDiscordErrorCode(error, RESTJSONErrorCodes.UnknownMember)) throw error;
    }
  }

  /** The DM channel with the user (Discord returns the existing one); post to it with sendMessage. */
  createDM(userId: string): Promise<APIDMChannel> {
    return this.request('createDM', RequestMethod.Post, Routes.userChannels(), { body: { recipient_id: userId } });
  }

  /** One call in a CLIENT span, made as `options.auth` (the bot unless said); the body parsed when JSON (204s have none). */
  private request<T>(
    name: string,
    method: RequestMethod,
    fullRoute: RouteLike,
    options: { body?: unknown; reason?: string; query?: URLSearchParams; auth?: DiscordAuth } = {},
  ): Promise<T> {
    const attributes = { 'http.request.method': method, 'url.template': routeTemplate(fullRoute) };
    return withSpan(tracer, `discord.${name}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const auth = options.auth ?? AS_BOT;
      const retryingToken = auth.as === 'bot' ? this.breaker.current() : undefined;
      try {
        this.budget.assertAvailable();
        if (auth.as === 'bot' && !this.token)
          throw new DiscordNotConfiguredError(
            'DISCORD_BOT_TOKEN is not configured: this app cannot call Discord as the bot',
          );
        if (retryingToken) this.breaker.letThrough(retryingToken);
        const response = await this.rest.queueRequest({
          method,
          fullRoute,
          body: options.body,
          reason: options.reason,
          query: options.query,
          ...authRequestData(auth),
        });
        span.setAttribute('discord.status_code', response.status);
        this.breaker.answered(retryingToken);
        return (await parseResponse(response)) as T;
      } catch (thrown) {
        let error = toAuthDiscordError(auth, thrown);
        if (error instanceof DiscordUnauthorizedError && auth.as === 'bot') error = this.breaker.rejected(error);
        if (error instanceof DiscordPermanentError) this.breaker.answered(retryingToken); // answered, so authenticated
        const status =
          error instanceof DiscordPermanentError ||
          error instanceof DiscordUnavailableError ||
          error instanceof DiscordUnauthorizedError
            ? error.status
            : undefined;
        if (status !== undefined) span.setAttribute('discord.status_code', status);
        throw error;
      }
    });
  }
}

/** Orders Discord ids (snowflakes) by creation time: numerically, not as strings. */
export function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
