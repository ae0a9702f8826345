import type { RoleSides } from '@discord-backbone/queue';
import { PRIZE_DOMAIN_EXPORTS, PRIZE_DOMAIN_PROVIDERS } from './prize-domain.providers';
import { PrizeEventConsumer } from './prize-event.consumer';
import { PrizeEventRoute } from './prize-event.route';

/** The consumer side: the `prize-distribution` queue's handler. */
export const PRIZES_CONSUMER: RoleSides['consumer'] = {
  providers: [...PRIZE_DOMAIN_PROVIDERS, PrizeEventRoute, PrizeEventConsumer],
  exports: PRIZE_DOMAIN_EXPORTS,
};
