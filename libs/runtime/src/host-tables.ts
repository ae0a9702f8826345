import type { MembershipTableNames } from '@discord-backbone/bot-operations';
import type { Environment } from '@discord-backbone/config';
import type { PrizeTableNames } from '@discord-backbone/prizes';

/** PrizesModule's `tables` (both roles) from the HOST_*_TABLE settings; an unset one keeps the module's default. */
export const prizeTables = (env: Environment): Partial<PrizeTableNames> => ({
  users: env.HOST_USERS_TABLE,
  communities: env.HOST_COMMUNITIES_TABLE,
  itemTypes: env.HOST_ITEM_TYPES_TABLE,
  itemHoldings: env.HOST_ITEM_HOLDINGS_TABLE,
  characters: env.HOST_CHARACTERS_TABLE,
});

/** BotOperationsModule's `tables` (consumer) from the HOST_*_TABLE settings; an unset one keeps the module's default. */
export const membershipTables = (env: Environment): Partial<MembershipTableNames> => ({
  subscriptionChannels: env.HOST_SUBSCRIPTION_CHANNELS_TABLE,
  subscriptions: env.HOST_SUBSCRIPTIONS_TABLE,
  users: env.HOST_USERS_TABLE,
});
