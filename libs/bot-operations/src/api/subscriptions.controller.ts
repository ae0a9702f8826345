import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { BotOperationRejectedFilter } from './bot-operation-rejected.filter';
import { CreateSubscriptionDto } from './bot-operations.dto';
import { SubscriptionsService } from './subscriptions.service';

/** Subscription lifecycle; each transition answers with the bot operation it queued. */
@Controller('subscriptions')
@UseFilters(BotOperationRejectedFilter)
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post()
  create(@Body() body: CreateSubscriptionDto) {
    return this.subscriptions.create(body);
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.subscriptions.get(id);
  }

  @Post(':id/activate')
  @HttpCode(200)
  activate(@Param('id') id: string) {
    return this.subscriptions.activate(id);
  }

  @Post(':id/expire')
  @HttpCode(200)
  expire(@Param('id') id: string) {
    return this.subscriptions.expire(id);
  }

  @Post(':id/refund')
  @HttpCode(200)
  refund(@Param('id') id: string) {
    return this.subscriptions.refund(id);
  }
}
