import { Injectable } from '@nestjs/common';
import { PrismaService, SubscriptionStatus } from '@discord-backbone/prisma';
import { NotFoundError } from '@discord-backbone/queue';

/** The backend's current truth about a channel and a membership, as the handlers act on it. */
@Injectable()
export class MembershipState {
  constructor(private readonly prisma: PrismaService) {}

  /** The channel's configuration (guild, role, kick on removal); permanent failure when it is not a subscription channel. */
  async channel(channelId: string) {
    const channel = await this.prisma.subscriptionChannel.findUnique({ where: { channelId } });
    if (!channel) throw new NotFoundError(`Channel ${channelId} is not a subscription channel`);
    return channel;
  }

  /**
   * Whether the Discord user should have access now: an active subscription to the channel.
   * Handlers check it so that a stale operation (an invite replayed from the DLQ after the
   * subscription expired, a remove replayed after a new subscription started) cannot undo a
   * later change; within the queue, FIFO order already keeps a membership's operations in order.
   */
  async accessWanted(discordUserId: string, channelId: string): Promise<boolean> {
    const active = await this.prisma.subscription.count({ where: { channelId, status: SubscriptionStatus.active, user: { discordUserId } } });
    return active > 0;
  }
}
