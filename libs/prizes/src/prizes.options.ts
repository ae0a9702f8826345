export const PRIZES_OPTIONS = Symbol('PRIZES_OPTIONS');

/**
 * The host's tables the prize worker and account linking read and write, by their names in the
 * host's database (`table` or `schema.table`). Their columns are the contract in docs/host.md
 * ("The host's transaction, the host's tables"); a table shaped otherwise can be an updatable view.
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

/** PrizesModule's settings; each names the role that reads it. */
export interface PrizesOptions {
  /** Both roles. Each defaults to this repository's own table (`users`, `communities`, `item_types`, `item_holdings`, `characters`). */
  tables?: Partial<PrizeTableNames>;
  /** Producer. ACCOUNT_LINK_REQUIRE_DISCORD_TOKEN: refuse links without a Discord OAuth2 access token proving the account. Off unless set. */
  requireDiscordToken?: boolean;
}
