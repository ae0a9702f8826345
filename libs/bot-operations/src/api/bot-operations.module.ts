import { Module } from '@nestjs/common';
import { Environment } from '@discord-backbone/config';
import { BotQueueProducer } from './bot-queue.producer';
import { BotOperationsController } from './bot-operations.controller';
import { BOT_OPERATIONS_OPTIONS, BotOperationsOptions } from '../bot-operations.options';
import { BotOperationsQuery } from './bot-operations.query';
import { ListingsController } from './listings.controller';
import { ListingsService } from './listings.service';
import { SubscriptionChannelsController } from './subscription-channels.controller';
import { SubscriptionChannelsService } from './subscription-channels.service';
import { SubscriptionRoleCheck } from '../subscription-role.check';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

/**
 * API side of bot operations (bot-operation-queue.md): subscription channels, subscriptions and
 * listings, whose changes queue bot operations through BotQueueProducer. Needs OutboxModule
 * (with a `bot-operations` destination), the validated Environment and a global DiscordRestClient
 * (subscription roles are checked with Discord at registration).
 */
@Module({
  controllers: [SubscriptionChannelsController, SubscriptionsController, ListingsController, BotOperationsController],
  providers: [
    {
      provide: BOT_OPERATIONS_OPTIONS,
      inject: [Environment],
      useFactory: (env: Environment): BotOperationsOptions => ({ queueUrl: env.queues['bot-operations'].queueUrl, maxAttempts: env.queues['bot-operations'].maxAttempts! }),
    },
    BotQueueProducer,
    SubscriptionChannelsService,
    SubscriptionRoleCheck,
    SubscriptionsService,
    ListingsService,
    BotOperationsQuery,
  ],
  exports: [BotQueueProducer],
})
export class BotOperationsModule {}
