export const CAMPAIGNS_API_OPTIONS = Symbol('CAMPAIGNS_API_OPTIONS');

/** What the API side needs of the configuration (from Environment). */
export interface CampaignsApiOptions {
  /** DISCORD_PUBLIC_KEY: verifies interactions. */
  publicKey: string;
  /** CAMPAIGN_TOKEN_LIFETIME_SECONDS: how long from the interaction its token is used to edit the progress message. */
  tokenLifetimeSeconds: number;
  /** CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD: campaigns a server may have running or rolling back at once. */
  maxInProgressPerGuild: number;
}
