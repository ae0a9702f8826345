import type { PrizeTableNames } from '@discord-backbone/prizes';

/**
 * Our tables as the backbone's table contract names them (docs/host.md in its repository lists the columns). The
 * worker deployment is given the same names as settings: HOST_USERS_TABLE, HOST_COMMUNITIES_TABLE,
 * HOST_ITEM_TYPES_TABLE, HOST_ITEM_HOLDINGS_TABLE, HOST_CHARACTERS_TABLE, and for memberships
 * HOST_SUBSCRIPTION_CHANNELS_TABLE=public.discord_channels, HOST_SUBSCRIPTIONS_TABLE=public.memberships.
 * Schema-qualified: the backbone's connections look in its own schema first.
 */
export const PRIZE_TABLES: PrizeTableNames = {
  users: 'public.discord_accounts',
  communities: 'public.communities',
  itemTypes: 'public.item_types',
  itemHoldings: 'public.inventory',
  characters: 'public.characters',
};
