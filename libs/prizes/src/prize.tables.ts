import { Inject, Injectable } from '@nestjs/common';
import { quoteTableNames } from '@discord-backbone/prisma';
import { PRIZES_OPTIONS, PrizesOptions, PrizeTableNames } from './prizes.options';

const DEFAULT_TABLES: PrizeTableNames = {
  users: 'users',
  communities: 'communities',
  itemTypes: 'item_types',
  itemHoldings: 'item_holdings',
  characters: 'characters',
};

/** The host's prize tables as quoted SQL identifiers, checked and quoted once at start-up. */
@Injectable()
export class PrizeTables implements PrizeTableNames {
  declare readonly users: string;
  declare readonly communities: string;
  declare readonly itemTypes: string;
  declare readonly itemHoldings: string;
  declare readonly characters: string;

  constructor(@Inject(PRIZES_OPTIONS) options: PrizesOptions) {
    Object.assign(this, quoteTableNames(DEFAULT_TABLES, options.tables));
  }
}
