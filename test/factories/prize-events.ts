import { snowflake } from '../support/database';

/** The fields of a prize event; whatever else is given is sent as well (invalid values included). */
interface PrizeEventFields {
  discordGuildId: string;
  /** A fresh, unlinked Discord id unless given. */
  discordUserId?: string | null;
  eventId?: string;
  [field: string]: unknown;
}

/** An ITEM_AWARDED event as the Discord bot sends it to the prize-distribution queue. */
export function itemAwarded(fields: PrizeEventFields & { itemTypeId: string; quantity?: unknown }) {
  return { eventType: 'ITEM_AWARDED', discordUserId: snowflake(), ...fields };
}

/** A CHARACTER_AWARDED event as the Discord bot sends it to the prize-distribution queue. */
export function characterAwarded(fields: PrizeEventFields & { characterId: string }) {
  return { eventType: 'CHARACTER_AWARDED', discordUserId: snowflake(), ...fields };
}
