import type { RoleSides } from '@discord-backbone/queue';
import { SubscriptionRoleCheck } from '../subscription-role.check';
import { BotOperationsController } from './bot-operations.controller';
import { BotOperationsQuery } from './bot-operations.query';
import { BotQueueProducer } from './bot-queue.producer';
import { ListingsController } from './listings.controller';
import { ListingsService } from './listings.service';
import { SubscriptionChannelsController } from './subscription-channels.controller';
import { SubscriptionChannelsService } from './subscription-channels.service';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

/**
 * The producer side (bot-operation-queue.md): subscription channels, subscriptions and listings,
 * whose changes queue bot operations through BotQueueProducer (exported for the host's services).
 */
export const BOT_OPERATIONS_PRODUCER: RoleSides['producer'] = {
  controllers: [SubscriptionChannelsController, SubscriptionsController, ListingsController, BotOperationsController],
  providers: [
    BotQueueProducer,
    SubscriptionChannelsService,
    SubscriptionRoleCheck,
    SubscriptionsService,
    ListingsService,
    BotOperationsQuery,
  ],
  exports: [BotQueueProducer],
};
