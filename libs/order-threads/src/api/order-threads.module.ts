import { Module } from '@nestjs/common';
import { DiscordQueueProducer } from './discord-queue.producer';
import { OfferSessionsService } from './offer-sessions.service';
import { ContractorsController, OfferSessionsController, OrdersController } from './order-threads.controller';
import { OrderThreadService } from './order-thread.service';
import { OrdersService } from './orders.service';

/**
 * API side of order threads (thread-queue-handoff.md): orders, offer sessions and contractors
 * over REST, and DiscordQueueProducer for the marketplace backend to use. Needs OutboxModule.
 */
@Module({
  controllers: [OrdersController, OfferSessionsController, ContractorsController],
  providers: [DiscordQueueProducer, OrderThreadService, OrdersService, OfferSessionsService],
  exports: [DiscordQueueProducer, OrdersService, OfferSessionsService],
})
export class OrderThreadsModule {}
