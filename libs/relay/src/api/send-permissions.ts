import { Inject, Injectable } from '@nestjs/common';
import type { SendDestinationDto } from '@discord-backbone/contracts';
import { DiscordMissingPermissionsError, DiscordUnknownResourceError } from '@discord-backbone/discord';
import { Prisma, PrismaService } from '@discord-backbone/prisma';
import type { BackendBotSettings, DiscordBotSettings } from '../config/relay-settings';
import { RELAY_API_OPTIONS, RelayApiOptions } from './relay-api.options';
import { RelayHttpException } from './relay-http.exception';

/** What the check may have to ask Discord; each asked at most once per request. */
export interface DestinationLookups {
  /** The guild a channel belongs to (null: not a guild channel). */
  guildOf(channelId: string): Promise<string | null>;
  /** The bot's DM channel with the destination user (the one the message goes to). */
  dmChannel(): Promise<string>;
}

/**
 * Where a backend bot may send through a Discord bot (POST /v1/messages/send): where the messages
 * it is given come from, and what its `send_allowlist` adds. Anything else is 403, with the same
 * answer whether or not the channel or user exists. A backend may send
 *
 * - to a channel: when a `channel` route of that Discord bot names the backend; or, for a channel
 *   in the bot's `channel_allowlist` that no `channel` route names, when a message posted there
 *   would be routed to it — its guild's `guild` route, else the bot's default (the "defaulted"
 *   channels); a channel neither routed nor allowlisted is nobody's;
 * - to a user's DMs: when a `dm_user` route names the backend; or, without one, when a `channel`
 *   route on the bot's DM channel with the user names it — never by the bot's default (issue 16:
 *   "defaulted" is for channels; a default would otherwise let its backend DM anyone);
 * - to a user, or a DM channel, whose DMs to that bot were delivered to the backend (as long as
 *   the relay keeps them, RELAY_RETENTION_HOURS);
 * - to what its `send_allowlist` names for that bot.
 *
 * Discord is asked only when the routes alone cannot decide: a channel's guild when the bot has
 * `guild` routes (remembered: allowlisted channels do not move), the DM channel when the bot has
 * `channel` routes naming the backend.
 */
@Injectable()
export class SendPermissions {
  private readonly guilds = new Map<string, string | null>();
  private readonly discordBots: Map<string, DiscordBotSettings>;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(RELAY_API_OPTIONS) private readonly options: RelayApiOptions,
  ) {
    this.discordBots = new Map(options.settings.discordBots.map((b) => [b.id, b]));
  }

  /** Whether the backend may send through this Discord bot at all: routed to it, or named by its send_allowlist. */
  mayUse(backend: BackendBotSettings, discordBotId: string): boolean {
    return (
      this.options.settings.routing.connects(discordBotId, backend.id) ||
      backend.sendAllowlist.some((a) => a.discordBotId === discordBotId)
    );
  }

  /** Resolves when the backend may send there; else throws 403. */
  async authorize(
    backend: BackendBotSettings,
    discordBotId: string,
    destination: SendDestinationDto,
    lookups: DestinationLookups,
  ): Promise<void> {
    const type = destination.type;
    const id = type === 'dm' ? destination.user_id! : destination.channel_id!;
    const allowed =
      backend.sendAllowlist.some((a) => a.discordBotId === discordBotId && a.type === type && a.id === id) ||
      (await refusedAsUnknown(() =>
        type === 'dm'
          ? this.dmRouted(backend, discordBotId, id, lookups)
          : this.channelRouted(backend, discordBotId, id, lookups),
      )) ||
      (await this.delivered(backend, discordBotId, type, id));
    if (!allowed) {
      throw new RelayHttpException(
        403,
        `This backend bot may not send there through ${discordBotId}: only to channels and DM users routed to it, users whose DMs it was given, and its send_allowlist`,
      );
    }
  }

  private async channelRouted(
    backend: BackendBotSettings,
    discordBotId: string,
    channelId: string,
    lookups: DestinationLookups,
  ): Promise<boolean> {
    const routing = this.options.settings.routing;
    const explicit = routing.rule(discordBotId, 'channel', channelId);
    if (explicit !== undefined) return explicit === backend.id;
    if (!this.discordBots.get(discordBotId)?.channelAllowlist.has(channelId)) return false;
    const guildId = routing.hasRules(discordBotId, 'guild')
      ? await this.guildOf(discordBotId, channelId, lookups)
      : null;
    return routing.route({ discordBotId, isDm: false, authorId: '', channelId, guildId }).backendBotId === backend.id;
  }

  /** Only explicit routes: the bot's default covers channels, never DMs to any user. */
  private async dmRouted(
    backend: BackendBotSettings,
    discordBotId: string,
    userId: string,
    lookups: DestinationLookups,
  ): Promise<boolean> {
    const routing = this.options.settings.routing;
    const explicit = routing.rule(discordBotId, 'dm_user', userId);
    if (explicit !== undefined) return explicit === backend.id;
    // A channel route could name the DM channel: worth looking up only if the backend has one.
    if (!routing.hasRules(discordBotId, 'channel', backend.id)) return false;
    return routing.rule(discordBotId, 'channel', await lookups.dmChannel()) === backend.id;
  }

  private async guildOf(discordBotId: string, channelId: string, lookups: DestinationLookups): Promise<string | null> {
    const key = `${discordBotId}\u0000${channelId}`;
    if (!this.guilds.has(key)) this.guilds.set(key, await lookups.guildOf(channelId));
    return this.guilds.get(key)!;
  }

  /** A DM conversation of this user (or in this DM channel) with the Discord bot was delivered to the backend. */
  private async delivered(
    backend: BackendBotSettings,
    discordBotId: string,
    type: 'dm' | 'channel',
    id: string,
  ): Promise<boolean> {
    const matching = type === 'dm' ? Prisma.sql`m.author_id = ${id}` : Prisma.sql`m.channel_id = ${id}`;
    const [row] = await this.prisma.$queryRaw<{ delivered: boolean }[]>`
      SELECT EXISTS (
        SELECT 1 FROM relay_messages m JOIN relay_deliveries d ON d.message_id = m.id
        WHERE m.discord_bot_id = ${discordBotId} AND m.is_dm AND ${matching} AND d.backend_bot_id = ${backend.id}
      ) AS delivered`;
    return row.delivered;
  }
}

/** A destination Discord does not know, or does not show the bot, is as refused as one not routed: the answer must not tell them apart. */
async function refusedAsUnknown(check: () => Promise<boolean>): Promise<boolean> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof DiscordUnknownResourceError || error instanceof DiscordMissingPermissionsError) return false;
    throw error;
  }
}
