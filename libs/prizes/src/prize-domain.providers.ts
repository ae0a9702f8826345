import { CharacterPrizeHandler } from './character-prize.handler';
import { ItemPrizeHandler } from './item-prize.handler';
import { ItemsService } from './items.service';
import { PendingOwnershipService } from './pending-ownership.service';

/** The prize domain both sides work with: grants, pending ownership, claims. */
export const PRIZE_DOMAIN_PROVIDERS = [ItemsService, PendingOwnershipService, ItemPrizeHandler, CharacterPrizeHandler];
export const PRIZE_DOMAIN_EXPORTS = [ItemsService, PendingOwnershipService];
