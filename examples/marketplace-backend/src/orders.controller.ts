import { randomUUID } from 'node:crypto';
import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { DiscordQueueProducer } from '@discord-backbone/order-threads';
import { MarketplaceDb } from './marketplace-db';

interface CreateOrderBody {
  title: string;
  buyerId: string;
  sellerId: string;
  /** Where the order's private thread goes (the marketplace's Discord server and channel). */
  serverId: string;
  channelId: string;
  /** Test hook: fail after staging, so the whole transaction rolls back. */
  failAfterStaging?: boolean;
}

/**
 * The marketplace's own orders API. Creating an order and staging its create_thread request is
 * one transaction of OUR Prisma client: the message is sent if and only if the order commits.
 */
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly db: MarketplaceDb,
    private readonly discordQueue: DiscordQueueProducer,
  ) {}

  @Post()
  async create(@Body() body: CreateOrderBody): Promise<{ id: string }> {
    try {
      return await this.db.$transaction(async (tx) => {
        const order = await tx.order.create({
          data: { title: body.title, buyerId: body.buyerId, sellerId: body.sellerId },
        });
        const [buyer, seller] = await Promise.all([
          tx.user.findUniqueOrThrow({ where: { id: body.buyerId } }),
          tx.user.findUniqueOrThrow({ where: { id: body.sellerId } }),
        ]);
        await this.discordQueue.createThread(tx, {
          serverId: body.serverId,
          channelId: body.channelId,
          members: [buyer.discordId, seller.discordId].filter((id): id is string => id !== null),
          order: { order_id: order.id, customer_id: buyer.id, title: order.title },
          customerDiscordId: buyer.discordId,
        });
        if (body.failAfterStaging) throw new BadRequestException('failed after staging, as asked: nothing is kept');
        return { id: order.id };
      });
    } catch (error) {
      if (error instanceof BadRequestException) throw error;
      throw new BadRequestException(error instanceof Error ? error.message : String(error));
    }
  }

  /** Changes the order's status and, in the same transaction, asks the bot to post it in the order's thread. */
  @Post(':id/status')
  async setStatus(@Param('id') id: string, @Body() body: { status: string }): Promise<{ requestId: string }> {
    return this.db.$transaction(async (tx) => {
      const order = await tx.order.findUnique({ where: { id } });
      if (!order) throw new NotFoundException(`No order ${id}`);
      const requestId = randomUUID();
      await tx.order.update({ where: { id }, data: { status: body.status, statusRequestId: requestId } });
      await this.discordQueue.updateOrderStatus(
        tx,
        { entityType: 'order', entityId: id, requestId },
        body.status,
        order.status,
      );
      return { requestId };
    });
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<{
    id: string;
    status: string;
    discordThreadId: string | null;
    threadFailure: string | null;
    discordStatus: string | null;
    statusFailure: string | null;
  }> {
    const order = await this.db.order.findUnique({ where: { id } });
    if (!order) throw new NotFoundException(`No order ${id}`);
    const { status, discordThreadId, threadFailure, discordStatus, statusFailure } = order;
    return { id: order.id, status, discordThreadId, threadFailure, discordStatus, statusFailure };
  }
}
