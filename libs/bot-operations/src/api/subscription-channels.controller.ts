import { Body, Controller, Post } from '@nestjs/common';
import { RequiresScope } from '@discord-backbone/auth';
import { CreateSubscriptionChannelDto } from './bot-operations.dto';
import { SubscriptionChannelsService } from './subscription-channels.service';

/** Which channels are sold and how access is granted (a role, a kick on removal): admin keys only. */
@Controller('subscription-channels')
@RequiresScope('admin')
export class SubscriptionChannelsController {
  constructor(private readonly channels: SubscriptionChannelsService) {}

  @Post()
  create(@Body() body: CreateSubscriptionChannelDto) {
    return this.channels.create(body);
  }
}
