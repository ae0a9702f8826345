import { Injectable } from '@nestjs/common';
import type { APIChannel } from 'discord.js';
import { BotOperationResult, VerifyPermissionsOperation } from '@discord-backbone/contracts';
import {
  computeChannelPermissions,
  DiscordMissingPermissionsError,
  DiscordRestClient,
  missingPermissions,
} from '@discord-backbone/discord';
import { PermissionCheckStatus, PrismaService } from '@discord-backbone/prisma';
import { BadRequestError, NotFoundError } from '@discord-backbone/queue';
import { botOutranksRole, requiredBotPermissions, ROLE_HIERARCHY } from './channel-access';
import { MembershipState } from './membership.state';

/**
 * Checks that the bot can do, in the channel, what invite and remove will need, and records `ok`
 * or `missing` on the listing with what is missing:
 * - the names of the permission flags it lacks (requiredBotPermissions); a channel the bot cannot
 *   see at all (Discord answers 403) is `missing` with `ViewChannel` alone, the rest being
 *   unknowable until it can;
 * - ROLE_HIERARCHY (`RoleHierarchy`) when the channel's role is not below the bot's highest role,
 *   so that Discord would refuse to grant it.
 * A channel Discord does not know, or a role the guild does not have, fails the operation
 * (listing `failed`, see BotOperationRoute).
 */
@Injectable()
export class VerifyPermissionsHandler {
  constructor(
    private readonly discord: DiscordRestClient,
    private readonly state: MembershipState,
    private readonly prisma: PrismaService,
  ) {}

  async handle(operation: VerifyPermissionsOperation): Promise<BotOperationResult> {
    const config = await this.state.channel(operation.channelId);
    const channel = await this.channelIfVisible(operation.channelId);
    if (!channel) return this.record(operation, ['ViewChannel']);
    if (!('guild_id' in channel) || channel.guild_id !== config.guildId) {
      throw new BadRequestError(`Channel ${operation.channelId} is not a channel of guild ${config.guildId}`);
    }
    const [guild, bot] = await Promise.all([
      this.discord.getGuild(config.guildId),
      this.discord.getBotMember(config.guildId),
    ]);
    if (config.roleId && !guild.roles.some((role) => role.id === config.roleId)) {
      throw new NotFoundError(
        `Role ${config.roleId} of channel ${operation.channelId} does not exist in guild ${config.guildId}`,
      );
    }
    const botUserId = bot.user?.id ?? (await this.discord.getCurrentUser()).id;
    const overwrites =
      'permission_overwrites' in channel ? { permission_overwrites: channel.permission_overwrites } : {};
    const missing = missingPermissions(
      computeChannelPermissions(guild, bot, botUserId, overwrites),
      requiredBotPermissions(config),
    );
    if (config.roleId && !botOutranksRole(guild, bot, botUserId, config.roleId)) missing.push(ROLE_HIERARCHY);
    return this.record(operation, missing);
  }

  /** The check could not be made (dead-lettered): the listing shows it failed. */
  async recordFailure(operation: VerifyPermissionsOperation): Promise<void> {
    if (!operation.listingId) return;
    await this.prisma.listing.updateMany({
      where: { id: operation.listingId },
      data: { permissionCheck: PermissionCheckStatus.failed, checkedAt: new Date() },
    });
  }

  /** The channel, or undefined when Discord refuses to show it to the bot (403: it lacks View Channel). */
  private async channelIfVisible(channelId: string): Promise<APIChannel | undefined> {
    try {
      return await this.discord.getChannel(channelId);
    } catch (error) {
      if (error instanceof DiscordMissingPermissionsError) return undefined;
      throw error;
    }
  }

  private async record(operation: VerifyPermissionsOperation, missing: string[]): Promise<BotOperationResult> {
    if (operation.listingId) {
      const { count } = await this.prisma.listing.updateMany({
        where: { id: operation.listingId },
        data: {
          permissionCheck: missing.length > 0 ? PermissionCheckStatus.missing : PermissionCheckStatus.ok,
          missingPermissions: missing,
          checkedAt: new Date(),
        },
      });
      if (count === 0) throw new NotFoundError(`Listing ${operation.listingId} not found`);
    }
    return { outcome: 'applied', missingPermissions: missing };
  }
}
