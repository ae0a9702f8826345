import { CharacterPrizeHandler } from './character-prize.handler';
import { ItemPrizeHandler } from './item-prize.handler';
import { ItemsService } from './items.service';
import { PendingOwnershipService } from './pending-ownership.service';
import { PrizeTables } from './prize.tables';

/** The prize domain both sides work with: grants, pending ownership, claims. */
export const PRIZE_DOMAIN_PROVIDERS = [
  PrizeTables,
  ItemsService,
  PendingOwnershipService,
  ItemPrizeHandler,
  CharacterPrizeHandler,
];
export const PRIZE_DOMAIN_EXPORTS = [ItemsService, PendingOwnershipService];
