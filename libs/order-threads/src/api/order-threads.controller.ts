import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import type { Contractor, DiscordRequest } from '@discord-backbone/prisma';
import { RequiresScope } from '@discord-backbone/auth';
import { PrismaService } from '@discord-backbone/prisma';
import { OfferSessionsService, OfferSessionView } from './offer-sessions.service';
import { AssignOrderDto, ChatMessageDto, CreateContractorDto, CreateOfferSessionDto, CreateOrderDto, UpdateOrderStatusDto } from './order.dto';
import { OrdersService, OrderView } from './orders.service';
import { EntityNotFoundException } from './order-threads.errors';

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

@Controller('offer-sessions')
export class OfferSessionsController {
  constructor(private readonly sessions: OfferSessionsService) {}

  @Post()
  create(@Body() body: CreateOfferSessionDto): Promise<OfferSessionView> {
    return this.sessions.create(body);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<OfferSessionView> {
    return this.sessions.get(id);
  }
}

/** Contractors and their Discord configuration (guild + the channel threads are created under): admin keys only. */
@Controller('contractors')
@RequiresScope('admin')
export class ContractorsController {
  constructor(private readonly prisma: PrismaService) {}

  @Post()
  create(@Body() body: CreateContractorDto): Promise<Contractor> {
    return this.prisma.contractor.create({ data: body });
  }

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<Contractor> {
    const contractor = await this.prisma.contractor.findUnique({ where: { id } });
    if (!contractor) throw new EntityNotFoundException('Contractor', id);
    return contractor;
  }
}
