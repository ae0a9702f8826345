import type { RoleSides } from '@discord-backbone/queue';
import { ContractorsController } from './contractors.controller';
import { DiscordQueueProducer } from './discord-queue.producer';
import { OfferSessionsController } from './offer-sessions.controller';
import { OfferSessionsService } from './offer-sessions.service';
import { OrderThreadService } from './order-thread.service';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

/**
 * The producer side (thread-queue-handoff.md): orders, offer sessions and contractors over REST,
 * and DiscordQueueProducer for the marketplace backend to use.
 */
export const ORDER_THREADS_PRODUCER: RoleSides['producer'] = {
  controllers: [OrdersController, OfferSessionsController, ContractorsController],
  providers: [DiscordQueueProducer, OrderThreadService, OrdersService, OfferSessionsService],
  exports: [DiscordQueueProducer, OrdersService, OfferSessionsService],
};
