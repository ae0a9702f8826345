import { Injectable } from '@nestjs/common';
import { DiscordRestClient, unsafeRolePermissions } from '@discord-backbone/discord';
import { BadRequestError, NotFoundError } from '@discord-backbone/queue';

/** The channel's role would give a subscriber more than access: it carries moderator permissions. */
export class UnsafeSubscriptionRoleError extends BadRequestError {}

/**
 * Refuses a subscription role that carries administrator or moderator permissions, by Discord's
 * own role list for the guild: at registration (API) and again before each grant (worker), since
 * a role's permissions can be changed on Discord at any time.
 */
@Injectable()
export class SubscriptionRoleCheck {
  constructor(private readonly discord: DiscordRestClient) {}

  async assertSafe(guildId: string, roleId: string): Promise<void> {
    const role = (await this.discord.getGuildRoles(guildId)).find((r) => r.id === roleId);
    if (!role) throw new NotFoundError(`Role ${roleId} is not a role of guild ${guildId}`);
    if (role.id === guildId)
      throw new UnsafeSubscriptionRoleError(`Role ${roleId} is @everyone: it cannot be granted by subscription`);
    const unsafe = unsafeRolePermissions(role.permissions);
    if (unsafe.length > 0) {
      throw new UnsafeSubscriptionRoleError(
        `Role ${roleId} grants ${unsafe.join(', ')}: a subscription role may only give access to the channel, never moderator or administrator permissions`,
      );
    }
  }
}
