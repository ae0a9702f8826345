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
  /**
   * Discord's limits shared through Postgres by every process of the deployment (the global limit
   * and route buckets per bot token, the invalid-request count per egress address). Needs
   * PrismaModule. Unset: each process counts alone (@discordjs/rest's in-memory limits).
   */
  sharedLimits?: SharedDiscordLimitsOptions;
}

export interface SharedDiscordLimitsOptions {
  /** Per bot token across the deployment; 48 unless set (Discord's limit is 50: a margin for jitter). */
  globalRequestsPerSecond?: number;
  /**
   * The longest a request waits for its turn before it is handed back to its queue
   * (DiscordRateLimitedError) instead; 250 ms unless set, and never more than half the request timeout.
   */
  maxWaitMs?: number;
  /** Names the egress address the invalid-request count is shared across; `default` unless set. */
  egress?: string;
}
