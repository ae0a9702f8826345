import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import type { DiscordRequest } from '@discord-backbone/prisma';
import { AssignOrderDto, ChatMessageDto, CreateOrderDto, UpdateOrderStatusDto } from './order.dto';
import { OrdersService, OrderView } from './orders.service';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** Creates the order and, with Discord configured, queues its thread; never waits for Discord. */
  @Post()
  create(@Body() body: CreateOrderDto): Promise<OrderView> {
    return this.orders.create(body);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<OrderView> {
    return this.orders.get(id);
  }

  @Patch(':id/status')
  updateStatus(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateOrderStatusDto): Promise<OrderView> {
    return this.orders.updateStatus(id, body.status);
  }

  @Post(':id/assignee')
  @HttpCode(200)
  assign(@Param('id', ParseUUIDPipe) id: string, @Body() body: AssignOrderDto): Promise<OrderView> {
    return this.orders.assign(id, body.userId);
  }

  /** Forwards a chat message into the order's thread (202: it is queued, not yet posted). */
  @Post(':id/messages')
  @HttpCode(202)
  forward(@Param('id', ParseUUIDPipe) id: string, @Body() body: ChatMessageDto): Promise<DiscordRequest> {
    return this.orders.forwardChatMessage(id, body.authorName, body.content);
  }
}
