export const ACCOUNT_LINK_OPTIONS = Symbol('ACCOUNT_LINK_OPTIONS');

export interface AccountLinkOptions {
  /** Refuse links without a Discord OAuth2 access token proving the account (ACCOUNT_LINK_REQUIRE_DISCORD_TOKEN). */
  requireDiscordToken: boolean;
}
