import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { RemovalReason } from '@discord-backbone/contracts';
import { PrismaService, PrismaTx, SubscriptionStatus } from '@discord-backbone/prisma';
import { CreateSubscriptionDto } from './bot-operations.dto';
import { BotQueueProducer, EnqueuedBotOperation } from './bot-queue.producer';

type SubscriptionRow = Awaited<ReturnType<PrismaService['subscription']['findUniqueOrThrow']>>;

export interface SubscriptionChange {
  subscription: SubscriptionRow;
  /** The bot operation the change queued; null when there is nothing to do on Discord. */
  operation: EnqueuedBotOperation | null;
}

/** Which statuses a subscription may still hold Discord access in (at most one per user and channel). */
const LIVE: SubscriptionStatus[] = [SubscriptionStatus.pending, SubscriptionStatus.active];

/**
 * Subscription lifecycle (pending → active → expired | refunded; pending → refunded). Each
 * change and the bot operation it causes commit in one transaction: activation invites, expiry
 * and refund of an active subscription remove.
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly producer: BotQueueProducer,
  ) {}

  create(dto: CreateSubscriptionDto): Promise<SubscriptionRow> {
    return this.prisma.$transaction(async (tx) => {
      // Serialises this user's subscription changes: two concurrent creates cannot both pass the check below.
      const [user] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE id = ${dto.userId} FOR UPDATE`;
      if (!user) throw new NotFoundException(`User ${dto.userId} not found`);
      const channel = await tx.subscriptionChannel.findUnique({ where: { channelId: dto.channelId } });
      if (!channel) throw new NotFoundException(`Channel ${dto.channelId} is not a subscription channel`);
      // One live subscription per membership: expiring one must not take away access another still pays for.
      const live = await tx.subscription.findFirst({
        where: { userId: dto.userId, channelId: dto.channelId, status: { in: LIVE } },
      });
      if (live)
        throw new ConflictException(
          `User ${dto.userId} already has a ${live.status} subscription (${live.id}) to channel ${dto.channelId}`,
        );
      return tx.subscription.create({
        data: { userId: dto.userId, channelId: dto.channelId, orderId: dto.orderId ?? null },
      });
    });
  }

  activate(id: string): Promise<SubscriptionChange> {
    return this.transition(
      id,
      [SubscriptionStatus.pending],
      SubscriptionStatus.active,
      (tx, subscription, discordUserId) =>
        this.producer.enqueueInviteUser(tx, {
          discordUserId: requireDiscordAccount(subscription, discordUserId),
          channelId: subscription.channelId,
          subscriptionId: subscription.id,
          ...(subscription.orderId ? { orderId: subscription.orderId } : {}),
        }),
    );
  }

  expire(id: string): Promise<SubscriptionChange> {
    return this.transition(
      id,
      [SubscriptionStatus.active],
      SubscriptionStatus.expired,
      (tx, subscription, discordUserId) => this.remove(tx, subscription, discordUserId, 'expiry'),
    );
  }

  /** A pending subscription never had access: it is refunded without a bot operation. */
  refund(id: string): Promise<SubscriptionChange> {
    return this.transition(id, LIVE, SubscriptionStatus.refunded, (tx, subscription, discordUserId) =>
      subscription.status === SubscriptionStatus.active
        ? this.remove(tx, subscription, discordUserId, 'refund')
        : Promise.resolve(null),
    );
  }

  async get(id: string) {
    const subscription = await this.prisma.subscription.findUnique({ where: { id } });
    if (!subscription) throw new NotFoundException(`Subscription ${id} not found`);
    const operations = await this.prisma.botOperation.findMany({
      where: { subscriptionId: id },
      orderBy: { createdAt: 'asc' },
    });
    return { ...subscription, operations };
  }

  private remove(
    tx: PrismaTx,
    subscription: SubscriptionRow,
    discordUserId: string | null,
    reason: RemovalReason,
  ): Promise<EnqueuedBotOperation> {
    return this.producer.enqueueRemoveUser(tx, {
      discordUserId: requireDiscordAccount(subscription, discordUserId),
      channelId: subscription.channelId,
      subscriptionId: subscription.id,
      reason,
    });
  }

  /**
   * Moves the subscription from one of `from` to `to` and queues its operation, in one transaction.
   * The update is conditional on the status read, so a concurrent change makes this one a 409.
   * `operation` receives the subscription as it was before the change.
   */
  private async transition(
    id: string,
    from: SubscriptionStatus[],
    to: SubscriptionStatus,
    operation: (
      tx: PrismaTx,
      before: SubscriptionRow,
      discordUserId: string | null,
    ) => Promise<EnqueuedBotOperation | null>,
  ): Promise<SubscriptionChange> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.subscription.findUnique({ where: { id }, include: { user: true } });
      if (!before) throw new NotFoundException(`Subscription ${id} not found`);
      if (!from.includes(before.status)) {
        throw new ConflictException(
          `Subscription ${id} is ${before.status}; it can become ${to} only from ${from.join(' or ')}`,
        );
      }
      const { count } = await tx.subscription.updateMany({
        where: { id, status: before.status },
        data: { status: to },
      });
      if (count === 0) throw new ConflictException(`Subscription ${id} was changed concurrently; try again`);
      const { user, ...subscription } = before;
      const enqueued = await operation(tx, subscription, user.discordUserId);
      return { subscription: await tx.subscription.findUniqueOrThrow({ where: { id } }), operation: enqueued };
    });
  }
}

/** Access is given to a Discord account: a user who has not linked one cannot be invited (or removed). */
function requireDiscordAccount(subscription: SubscriptionRow, discordUserId: string | null): string {
  if (!discordUserId) {
    throw new ConflictException(
      `User ${subscription.userId} has no linked Discord account; link one (POST /users/:id/discord-link) first`,
    );
  }
  return discordUserId;
}
