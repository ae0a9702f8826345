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
    // A name left undefined (an unset setting) keeps its default.
    const name = (table: keyof PrizeTableNames) => quoteQualifiedName(options.tables?.[table] ?? DEFAULT_TABLES[table]);
    this.users = name('users');
    this.communities = name('communities');
    this.itemTypes = name('itemTypes');
    this.itemHoldings = name('itemHoldings');
    this.characters = name('characters');
  }
}
