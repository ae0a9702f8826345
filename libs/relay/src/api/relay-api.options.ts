import type { RelaySettings } from '../config/relay-settings';

export const RELAY_API_OPTIONS = Symbol('RELAY_API_OPTIONS');

/** RelayModule's options in the producer role (the /v1 API). */
export interface RelayApiOptions {
  settings: RelaySettings;
  /** For the LISTEN connection that wakes long polls. */
  databaseUrl: string;
  /** Another Discord API base (a stand-in); unset = Discord. */
  apiBaseUrl?: string;
  requestTimeoutMs: number;
  rateLimitPerMinute: number;
  retentionHours: number;
}
