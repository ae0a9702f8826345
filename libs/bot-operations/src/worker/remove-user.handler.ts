import { Injectable } from '@nestjs/common';
import { RESTJSONErrorCodes } from 'discord.js';
import { BotOperationResult, RemoveUserOperation } from '@discord-backbone/contracts';
import { DiscordRestClient, isDiscordErrorCode } from '@discord-backbone/discord';
import { MembershipState } from './membership.state';

/**
 * Takes a subscriber's access away: the channel's role (if the user is still a member) and
 * any member overwrite (the access of overwrite-based channels, and of users invited before
 * they joined), then kicks when the channel is configured to. Every step is idempotent, so a
 * remove after a remove is a successful no-op.
 */
@Injectable()
export class RemoveUserHandler {
  constructor(
    private readonly discord: DiscordRestClient,
    private readonly state: MembershipState,
  ) {}

  async handle(operation: RemoveUserOperation): Promise<BotOperationResult> {
    const channel = await this.state.channel(operation.channelId);
    if (await this.state.accessWanted(operation.discordUserId, operation.channelId)) {
      return { outcome: 'skipped', note: 'The user has an active subscription to the channel again' };
    }
    const reason = `Subscription ${operation.subscriptionId} ended (${operation.reason})`;
    const member = await this.discord.getGuildMember(channel.guildId, operation.discordUserId);
    if (member && channel.roleId) {
      await this.discord
        .removeMemberRole(channel.guildId, operation.discordUserId, channel.roleId, reason)
        .catch((error: unknown) => {
          // Left the guild since we looked: the role went with the membership.
          if (!isDiscordErrorCode(error, RESTJSONErrorCodes.UnknownMember)) throw error;
        });
    }
    await this.discord.deleteOverwrite(operation.channelId, operation.discordUserId, reason);
    const kick = channel.kickOnRemove && member !== null;
    if (kick) await this.discord.kickMember(channel.guildId, operation.discordUserId, reason);
    return { outcome: 'applied', access: channel.roleId ? 'role' : 'overwrite', kicked: kick };
  }
}
