import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DiscordQueueMessageType } from '@discord-backbone/contracts';
import { OutboxService, RejectedMessage } from '@discord-backbone/outbox';
import type { DiscordRequest, DiscordThreadLink, Order } from '@discord-backbone/prisma';
import { DiscordThreadStatus, OrderStatus, PrismaService, PrismaTx } from '@discord-backbone/prisma';
import { DiscordQueueProducer, RequestTarget } from './discord-queue.producer';
import { OrderThreadService } from './order-thread.service';
import { EntityNotFoundException, NoDiscordThreadException } from './order-threads.errors';
import { CreateOrderDto } from './order.dto';
import { assertUsers } from './users.lookup';

export interface OrderView extends Order {
  discordThread: DiscordThreadLink | null;
  discordRequests: DiscordRequest[];
  /** Messages for Discord that SQS refused and that will never be sent (see OutboxDispatcher). */
  undeliverable: RejectedMessage[];
}

/** A thread that exists or will: Phase 4 requests may be queued behind create_thread. */
const THREADED: DiscordThreadStatus[] = [
  DiscordThreadStatus.queued,
  DiscordThreadStatus.created,
  DiscordThreadStatus.partial,
];

/**
 * Orders and what they tell Discord. Each change and its Discord message are one transaction;
 * the response to the caller never waits for SQS or Discord.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly threads: OrderThreadService,
    private readonly producer: DiscordQueueProducer,
    private readonly outbox: OutboxService,
  ) {}

  async create(dto: CreateOrderDto): Promise<OrderView> {
    const id = await this.prisma.$transaction(async (tx) => {
      await assertUsers(tx, [dto.customerId, dto.assignedId]);
      await this.threads.assertPlacement(tx, {
        contractorId: dto.contractorId ?? null,
        communityId: dto.contractorId ? null : (dto.communityId ?? null),
      });
      const order = await tx.order.create({
        data: {
          title: dto.title,
          description: dto.description ?? '',
          customerId: dto.customerId,
          assignedId: dto.assignedId ?? null,
          contractorId: dto.contractorId ?? null,
          communityId: dto.contractorId ? null : (dto.communityId ?? null),
        },
      });
      await this.threads.requestThread(tx, {
        entityType: 'order',
        customerId: order.customerId,
        assignedId: order.assignedId,
        contractorId: order.contractorId,
        communityId: order.communityId,
        snapshot: {
          order_id: order.id,
          customer_id: order.customerId,
          assigned_id: order.assignedId,
          title: order.title,
          description: order.description,
          status: order.status,
          kind: 'order',
          created_at: order.createdAt.toISOString(),
        },
      });
      return order.id;
    });
    return this.get(id);
  }

  async get(id: string): Promise<OrderView> {
    const order = await this.prisma.order.findUnique({ where: { id } });
    if (!order) throw new EntityNotFoundException('Order', id);
    const [discordThread, discordRequests, undeliverable] = await Promise.all([
      this.prisma.discordThreadLink.findUnique({
        where: { entityType_entityId: { entityType: 'order', entityId: id } },
      }),
      this.prisma.discordRequest.findMany({
        where: { entityType: 'order', entityId: id },
        orderBy: { createdAt: 'asc' },
      }),
      this.outbox.rejected(`order:${id}`),
    ]);
    return { ...order, discordThread, discordRequests, undeliverable };
  }

  /** Posts the new status into the order's thread, when it has one. */
  async updateStatus(id: string, status: OrderStatus): Promise<OrderView> {
    await this.prisma.$transaction(async (tx) => {
      const order = await lockOrder(tx, id);
      if (order.status === status) return;
      await tx.order.update({ where: { id }, data: { status } });
      const target = await this.request(tx, id, DiscordQueueMessageType.UPDATE_ORDER_STATUS, false);
      if (target) await this.producer.updateOrderStatus(tx, target, status, order.status);
    });
    return this.get(id);
  }

  /** Assigns the order; the assignee joins the thread when their Discord account is linked. */
  async assign(id: string, userId: string): Promise<OrderView> {
    await this.prisma.$transaction(async (tx) => {
      await lockOrder(tx, id);
      const [user] = await assertUsers(tx, [userId]);
      await tx.order.update({ where: { id }, data: { assignedId: userId } });
      if (!user.discordUserId) return;
      const target = await this.request(tx, id, DiscordQueueMessageType.ASSIGN_USER, false);
      if (target) await this.producer.assignUser(tx, target, userId, user.discordUserId);
    });
    return this.get(id);
  }

  /** Forwards a marketplace chat message into the thread; there must be one. */
  async forwardChatMessage(id: string, authorName: string, content: string): Promise<DiscordRequest> {
    return this.prisma.$transaction(async (tx) => {
      await lockOrder(tx, id);
      const target = (await this.request(tx, id, DiscordQueueMessageType.FORWARD_CHAT_MESSAGE, true))!;
      await this.producer.forwardChatMessage(tx, target, authorName, content);
      return tx.discordRequest.findUniqueOrThrow({ where: { id: target.requestId } });
    });
  }

  /** Records a Phase 4 request when the order has (or will have) a thread; null when it has none. */
  private async request(
    tx: PrismaTx,
    id: string,
    type: DiscordQueueMessageType,
    required: boolean,
  ): Promise<RequestTarget | null> {
    const link = await tx.discordThreadLink.findUnique({
      where: { entityType_entityId: { entityType: 'order', entityId: id } },
    });
    if (!link || !THREADED.includes(link.status) || !this.producer.isConfigured()) {
      const why = !this.producer.isConfigured()
        ? 'DISCORD_QUEUE_URL is not configured'
        : `${link?.status ?? 'none'}${link?.error ? `: ${link.error}` : ''}`;
      if (required) throw new NoDiscordThreadException(`Order ${id} has no Discord thread (${why})`);
      return null;
    }
    const request = await tx.discordRequest.create({
      data: { id: randomUUID(), entityType: 'order', entityId: id, type },
    });
    return { entityType: 'order', entityId: id, requestId: request.id };
  }
}

/** Serialises changes to one order, so its messages are staged in the order the changes happened. */
async function lockOrder(tx: PrismaTx, id: string): Promise<{ id: string; status: OrderStatus }> {
  const [order] = await tx.$queryRaw<
    { id: string; status: OrderStatus }[]
  >`SELECT id, status FROM orders WHERE id = ${id} FOR UPDATE`;
  if (!order) throw new EntityNotFoundException('Order', id);
  return order;
}
