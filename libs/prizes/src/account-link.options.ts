export const ACCOUNT_LINK_OPTIONS = Symbol('ACCOUNT_LINK_OPTIONS');

/** The producer side's settings, defaults filled in (see PrizesOptions). */
export interface AccountLinkOptions {
  requireDiscordToken: boolean;
}
