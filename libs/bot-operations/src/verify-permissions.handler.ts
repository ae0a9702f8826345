import { Injectable } from '@nestjs/common';
import { BotOperationResult, VerifyPermissionsOperation } from '@app/contracts';
import { computeChannelPermissions, DiscordRestClient, missingPermissions } from '@app/discord';
import { PermissionCheckStatus, PrismaService } from '@app/prisma';
import { BadRequestError, NotFoundError } from '@app/queue';
import { requiredBotPermissions } from './channel-access';
import { MembershipState } from './membership.state';

/**
 * Checks that the bot has, in the channel, every permission invite and remove will need
 * (requiredBotPermissions), and records `ok` or `missing` with the missing flags' names on the
 * listing. A channel Discord does not know fails the operation (listing `failed`, see BotOperationRoute).
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
    const channel = await this.discord.getChannel(operation.channelId);
    if (!('guild_id' in channel) || channel.guild_id !== config.guildId) {
      throw new BadRequestError(`Channel ${operation.channelId} is not a channel of guild ${config.guildId}`);
    }
    const [guild, bot] = await Promise.all([this.discord.getGuild(config.guildId), this.discord.getBotMember(config.guildId)]);
    if (config.roleId && !guild.roles.some((role) => role.id === config.roleId)) {
      throw new NotFoundError(`Role ${config.roleId} of channel ${operation.channelId} does not exist in guild ${config.guildId}`);
    }
    const botUserId = bot.user?.id ?? (await this.discord.getCurrentUser()).id;
    const overwrites = 'permission_overwrites' in channel ? { permission_overwrites: channel.permission_overwrites } : {};
    const missing = missingPermissions(computeChannelPermissions(guild, bot, botUserId, overwrites), requiredBotPermissions(config));
    if (operation.listingId) {
      const { count } = await this.prisma.listing.updateMany({
        where: { id: operation.listingId },
        data: { permissionCheck: missing.length > 0 ? PermissionCheckStatus.missing : PermissionCheckStatus.ok, missingPermissions: missing, checkedAt: new Date() },
      });
      if (count === 0) throw new NotFoundError(`Listing ${operation.listingId} not found`);
    }
    return { outcome: 'applied', missingPermissions: missing };
  }

  /** The check could not be made (dead-lettered): the listing shows it failed. */
  async recordFailure(operation: VerifyPermissionsOperation): Promise<void> {
    if (!operation.listingId) return;
    await this.prisma.listing.updateMany({ where: { id: operation.listingId }, data: { permissionCheck: PermissionCheckStatus.failed, checkedAt: new Date() } });
  }
}
