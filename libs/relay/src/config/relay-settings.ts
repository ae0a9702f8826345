import type { KeyRing } from '@discord-backbone/auth';
import type { RoutingTable } from './routing-table';
import type { Secret } from './secret';

// What the apps use of RELAY_CONFIG: validated, secrets resolved (the file itself is relay-config.file.ts).

export interface DiscordBotSettings {
  id: string;
  name: string;
  token: Secret;
  enabled: boolean;
  channelAllowlist: ReadonlySet<string>;
  ignoreBots: boolean;
}

/** A destination named in a backend bot's send_allowlist. */
export interface SendAllowance {
  discordBotId: string;
  type: 'channel' | 'dm';
  /** The channel's id, or the user's for DMs. */
  id: string;
}

export interface BackendBotSettings {
  id: string;
  name: string;
  enabled: boolean;
  maxDeliveries: number;
  ordered: boolean;
  sendAllowlist: SendAllowance[];
}

/** The validated relay configuration; secrets resolved (and wrapped so they never print). */
export interface RelaySettings {
  /** Enabled Discord bots only: the worker connects each, the API sends through each. */
  discordBots: DiscordBotSettings[];
  backendBots: BackendBotSettings[];
  /** Each enabled backend bot's key(s), owned by its id. */
  backendKeys: KeyRing<string>;
  routing: RoutingTable;
  /** Parts of the file this project does not use (server, storage), to log at start-up. */
  warnings: string[];
}

export const DEFAULT_MAX_DELIVERIES = 5;
