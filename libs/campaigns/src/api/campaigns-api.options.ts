import type { CampaignsOptions } from '../campaigns.options';

export const CAMPAIGNS_API_OPTIONS = Symbol('CAMPAIGNS_API_OPTIONS');

/** The producer side's settings, checked and with defaults filled in (see CampaignsOptions). */
export interface CampaignsApiOptions {
  publicKey: string;
  tokenLifetimeSeconds: number;
  maxInProgressPerGuild: number;
}

export function campaignsApiOptions(options: CampaignsOptions): CampaignsApiOptions {
  if (!options.publicKey)
    throw new Error(
      'CampaignsModule (producer role): publicKey (DISCORD_PUBLIC_KEY) is required, it verifies interactions',
    );
  return {
    publicKey: options.publicKey,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 840,
    maxInProgressPerGuild: options.maxInProgressPerGuild ?? 3,
  };
}
