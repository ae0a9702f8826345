import { Injectable } from '@nestjs/common';
import { BotOperationResult, InviteUserOperation } from '@discord-backbone/contracts';
import { DiscordRestClient } from '@discord-backbone/discord';
import { SubscriptionRoleCheck } from '../subscription-role.check';
import { MEMBER_ACCESS } from './channel-access';
import { InviteDelivery } from './invite.delivery';
import { MembershipState } from './membership.state';

/**
 * Gives a subscriber access to the channel: the channel's role when it has one, else a member
 * permission overwrite. Both are PUTs, so an invite applied twice grants once.
 *
 * A user not in the guild cannot be given a role (roles exist only on members), but Discord
 * accepts a member overwrite for any user id; such a user therefore gets the overwrite, in
 * role-based channels too, so that the channel is open to them the moment they join with the
 * single-use invite DM'd to them (`awaitingJoin`). Remove takes away both forms of access.
 */
@Injectable()
export class InviteUserHandler {
  constructor(
    private readonly discord: DiscordRestClient,
    private readonly state: MembershipState,
    private readonly invites: InviteDelivery,
    private readonly roles: SubscriptionRoleCheck,
  ) {}

  async handle(operation: InviteUserOperation): Promise<BotOperationResult> {
    const channel = await this.state.channel(operation.channelId);
    if (!(await this.state.accessWanted(operation.discordUserId, operation.channelId))) {
      return { outcome: 'skipped', note: 'The user has no active subscription to the channel any more' };
    }
    const reason = `Subscription ${operation.subscriptionId} activated`;
    const member = await this.discord.getGuildMember(channel.guildId, operation.discordUserId);
    if (member && channel.roleId) {
      // Checked again at each grant: the role's permissions may have changed on Discord since registration.
      await this.roles.assertSafe(channel.guildId, channel.roleId);
      await this.discord.addMemberRole(channel.guildId, operation.discordUserId, channel.roleId, reason);
      return { outcome: 'applied', access: 'role' };
    }
    await this.discord.setMemberOverwrite(
      operation.channelId,
      operation.discordUserId,
      { allow: MEMBER_ACCESS, deny: 0n },
      reason,
    );
    if (member) return { outcome: 'applied', access: 'overwrite' };
    return { outcome: 'applied', access: 'overwrite', awaitingJoin: true, ...(await this.invites.deliver(operation)) };
  }
}
