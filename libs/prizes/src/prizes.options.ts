export const PRIZES_OPTIONS = Symbol('PRIZES_OPTIONS');

/** PrizesModule's settings; each names the role that reads it (the consumer role needs none). */
export interface PrizesOptions {
  /** Producer. ACCOUNT_LINK_REQUIRE_DISCORD_TOKEN: refuse links without a Discord OAuth2 access token proving the account. Off unless set. */
  requireDiscordToken?: boolean;
}
