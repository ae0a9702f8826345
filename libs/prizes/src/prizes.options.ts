export const PRIZES_OPTIONS = Symbol('PRIZES_OPTIONS');

/**
 * The host's tables the prize worker and account linking read and write, by their names in the
 * host's database (`table` or `schema.table`). Their columns are the contract in the README
 * ("Prizes: the host's tables"); a table shaped otherwise can be reached through an updatable view.
 */
export interface PrizeTableNames {
  /** id, discord_user_id (unique). */
  users: string;
  /** id, discord_guild_id. */
  communities: string;
  /** id, community_id, stackable. */
  itemTypes: string;
  /** id, user_id, item_type_id, quantity, stack_key (unique), updated_at. */
  itemHoldings: string;
  /** id, community_id, owner_id. */
  characters: string;
}

export interface PrizesOptions {
  /** Each defaults to this repository's own table (`users`, `communities`, `item_types`, `item_holdings`, `characters`). */
  tables?: Partial<PrizeTableNames>;
}
