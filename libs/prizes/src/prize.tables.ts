import { Inject, Injectable } from '@nestjs/common';
import { quoteQualifiedName } from '@discord-backbone/prisma';
import { PRIZES_OPTIONS, PrizeTableNames, PrizesOptions } from './prizes.options';

const DEFAULT_TABLES: PrizeTableNames = { users: 'users', communities: 'communities', itemTypes: 'item_types', itemHoldings: 'item_holdings', characters: 'characters' };

/** The host's prize tables as quoted SQL identifiers, checked and quoted once at start-up. */
@Injectable()
export class PrizeTables implements PrizeTableNames {
  readonly users: string;
  readonly communities: string;
  readonly itemTypes: string;
  readonly itemHoldings: string;
  readonly characters: string;

  constructor(@Inject(PRIZES_OPTIONS) options: PrizesOptions) {
    const names = { ...DEFAULT_TABLES, ...options.tables };
    this.users = quoteQualifiedName(names.users);
    this.communities = quoteQualifiedName(names.communities);
    this.itemTypes = quoteQualifiedName(names.itemTypes);
    this.itemHoldings = quoteQualifiedName(names.itemHoldings);
    this.characters = quoteQualifiedName(names.characters);
  }
}
