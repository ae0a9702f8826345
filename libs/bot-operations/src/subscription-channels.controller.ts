import { Body, Controller, Post } from '@nestjs/common';
import { CreateSubscriptionChannelDto } from './bot-operations.dto';
import { SubscriptionChannelsService } from './subscription-channels.service';

@Controller('subscription-channels')
export class SubscriptionChannelsController {
  constructor(private readonly channels: SubscriptionChannelsService) {}

  @Post()
  create(@Body() body: CreateSubscriptionChannelDto) {
    return this.channels.create(body);
  }
}
