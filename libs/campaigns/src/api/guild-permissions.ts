import { Injectable, Logger } from '@nestjs/common';
import { PermissionFlagsBits } from 'discord.js';
import type { APIInteractionGuildMember } from 'discord.js';
import { computeGuildPermissions, DiscordRestClient } from '@discord-backbone/discord';
import { describeError } from '@discord-backbone/queue';

/** Discord wants an interaction answered within 3 s: the lookup of the server's roles gets at most this long. */
const LOOKUP_TIMEOUT_MS = 2000;

/** `unknown`: Discord could not be asked in time (down, rate-limited, no bot token); nothing is done then. */
export type GuildPermissionCheck = 'granted' | 'refused' | 'unknown';

/**
 * Whether a member may act on the whole server: Manage Channels (or Administrator, or ownership)
 * from @everyone and the member's roles as Discord has them now (one GET /guilds/:id, which
 * carries the owner and every role). Never the interaction's `member.permissions`: those are the
 * member's permissions in the channel the command was used in, overwrites included, so one
 * channel's overwrite would be enough.
 */
@Injectable()
export class GuildPermissions {
  private readonly logger = new Logger(GuildPermissions.name);

  constructor(private readonly discord: DiscordRestClient) {}

  async canManageChannels(guildId: string, member: APIInteractionGuildMember): Promise<GuildPermissionCheck> {
    const lookup = this.discord.getGuild(guildId);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), LOOKUP_TIMEOUT_MS);
    });
    try {
      const guild = await Promise.race([lookup, timeout]);
      if (!guild) throw new Error(`Discord did not answer GET /guilds/:id within ${LOOKUP_TIMEOUT_MS} ms`);
      const permissions = computeGuildPermissions(guild, member, member.user.id);
      return (permissions & (PermissionFlagsBits.ManageChannels | PermissionFlagsBits.Administrator)) !== 0n
        ? 'granted'
        : 'refused';
    } catch (error) {
      this.logger.warn({
        msg: 'Server permissions could not be checked; the interaction is refused',
        guildId,
        error: describeError(error).message,
      });
      return 'unknown';
    } finally {
      clearTimeout(timer);
      lookup.catch(() => undefined); // a lookup that lost the race fails on its own, unobserved
    }
  }
}
