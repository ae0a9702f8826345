import type { RelaySettings } from '../config/relay-settings';
import type { GatewayLeaseTiming } from './gateway-leadership';

export const RELAY_INGEST_OPTIONS = Symbol('RELAY_INGEST_OPTIONS');

/** RelayModule's options in the consumer role (the worker's gateway ingest). */
export interface RelayIngestOptions {
  settings: RelaySettings;
  /** Another Discord API base (a stand-in); its `GET /gateway/bot` also names the gateway. */
  apiBaseUrl?: string;
  requestTimeoutMs: number;
  /** Gap backfill cap per channel and (re)connection; 0 turns backfill off. */
  backfillMaxMessages: number;
  /** Live messages held in memory per Discord bot while Postgres cannot store them; beyond, dropped and backfilled later. */
  ingestMaxPending: number;
  /** How long shutdown waits for ingests still being written. */
  shutdownDrainTimeoutMs: number;
  /** The Discord bots' gateway leases (one replica holds each bot's session); the defaults take over within 30 s. */
  gatewayLease?: GatewayLeaseTiming;
}
