import type { RoleSides } from '@discord-backbone/queue';
import { DiscordQueueProducer } from './discord-queue.producer';
import { OfferSessionsService } from './offer-sessions.service';
import { ContractorsController } from './contractors.controller';
import { OfferSessionsController } from './offer-sessions.controller';
import { OrdersController } from './orders.controller';
import { OrderThreadService } from './order-thread.service';
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
