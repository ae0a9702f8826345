export const CAMPAIGNS_OPTIONS = Symbol('CAMPAIGNS_OPTIONS');

/** CampaignsModule's settings; each names the role that reads it. */
export interface CampaignsOptions {
  /** Producer. DISCORD_PUBLIC_KEY: verifies interactions. Required in the producer role. */
  publicKey?: string;
  /** Producer. CAMPAIGN_TOKEN_LIFETIME_SECONDS (840 unless set): how long from the interaction its token is used to edit the progress message. */
  tokenLifetimeSeconds?: number;
  /** Producer. CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD (3 unless set): campaigns a server may have running or rolling back at once. */
  maxInProgressPerGuild?: number;
  /** Consumer. CAMPAIGN_QUEUE_URL: where a step's follow-up tasks are queued. Required in the consumer role. */
  queueUrl?: string;
}
