import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@discord-backbone/prisma';
import { NotFoundError } from '@discord-backbone/queue';
import { MembershipTables } from './membership.tables';

/** A subscription channel's configuration, as the handlers act on it. */
export interface SubscriptionChannelConfig {
  channelId: string;
  guildId: string;
  /** The role that gives access; null: access by a member permission overwrite. */
  roleId: string | null;
  /** Remove also kicks the member from the guild. */
  kickOnRemove: boolean;
}

/** The backend's current truth about a channel and a membership, read from the host's tables (MembershipTables). */
@Injectable()
export class MembershipState {
  constructor(
    private readonly prisma: PrismaService,
    private readonly tables: MembershipTables,
  ) {}

  /** The channel's configuration (guild, role, kick on removal); permanent failure when it is not a subscription channel. */
  async channel(channelId: string): Promise<SubscriptionChannelConfig> {
    const [channel] = await this.prisma.sql<SubscriptionChannelConfig>(
      Prisma.sql`SELECT channel_id AS "channelId", guild_id AS "guildId", role_id AS "roleId", kick_on_remove AS "kickOnRemove"
                 FROM ${Prisma.raw(this.tables.subscriptionChannels)} WHERE channel_id = ${channelId}`,
    );
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
    const [row] = await this.prisma.sql<{ wanted: boolean }>(
      Prisma.sql`SELECT EXISTS (
                   SELECT 1 FROM ${Prisma.raw(this.tables.subscriptions)} s JOIN ${Prisma.raw(this.tables.users)} u ON u.id = s.user_id
                   WHERE s.channel_id = ${channelId} AND s.status = 'active' AND u.discord_user_id = ${discordUserId}) AS wanted`,
    );
    return row.wanted;
  }
}
