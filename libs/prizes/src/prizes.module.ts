import { Module } from '@nestjs/common';
import { CharacterPrizeHandler } from './character-prize.handler';
import { ItemPrizeHandler } from './item-prize.handler';
import { ItemsService } from './items.service';
import { PendingOwnershipService } from './pending-ownership.service';

/** Prize domain: grants, pending ownership, claims. Needs PrismaModule. */
@Module({
  providers: [ItemsService, PendingOwnershipService, ItemPrizeHandler, CharacterPrizeHandler],
  exports: [ItemsService, PendingOwnershipService, ItemPrizeHandler, CharacterPrizeHandler],
})
export class PrizesModule {}
