export const DISCORD_OPTIONS = Symbol('DISCORD_OPTIONS');

export interface DiscordOptions {
  /**
   * The bot token, without the `Bot ` prefix. Unset where an app needs no bot calls (e.g. an API
   * that only checks users' OAuth2 tokens): bot calls then fail with DiscordNotConfiguredError.
   */
  token?: string;
  /** Another API base such as `http://127.0.0.1:PORT/api` (tests); unset means Discord itself. */
  apiBaseUrl?: string;
  /** Per request; a request still unanswered then fails as DiscordUnavailableError. */
  requestTimeoutMs: number;
  /**
   * After Discord rejected the token (401): how long calls fail at once with
   * DiscordUnauthorizedError, and their messages wait, before one call tries the token again.
   * UNAUTHORIZED_RETRY_SECONDS (300) unless set.
   */
  unauthorizedRetrySeconds?: number;
  /**
   * Invalid responses (401, 403, non-shared 429) in 10 minutes above which Discord calls are held
   * back (InvalidRequestBudget); Discord bans the IP at 10,000. 2,000 unless set.
   */
  invalidRequestBudget?: number;
}
