import { DynamicModule, Module } from '@nestjs/common';
import { CharacterPrizeHandler } from './character-prize.handler';
import { ItemPrizeHandler } from './item-prize.handler';
import { ItemsService } from './items.service';
import { PendingOwnershipService } from './pending-ownership.service';
import { PrizeTables } from './prize.tables';
import { PRIZES_OPTIONS, PrizesOptions } from './prizes.options';

/**
 * Prize domain: grants, pending ownership, claims, on the host's tables (see PrizesOptions).
 * Global, imported once by the app: PrizeConsumerModule and AccountLinkModule use it. Needs PrismaModule.
 */
@Module({})
export class PrizesModule {
  static forRoot(options: PrizesOptions = {}): DynamicModule {
    const providers = [PrizeTables, ItemsService, PendingOwnershipService, ItemPrizeHandler, CharacterPrizeHandler];
    return {
      module: PrizesModule,
      global: true,
      providers: [{ provide: PRIZES_OPTIONS, useValue: options }, ...providers],
      exports: providers,
    };
  }
}
