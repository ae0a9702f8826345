export { loadRelayConfig } from './config/relay-config';
export type { BackendBotSettings, DiscordBotSettings, RelaySettings } from './config/relay-settings';
export { RelayModule } from './relay.module';
export type { RelayModuleAsyncOptions, RelayModuleOptions, RelayOptions } from './relay.options';
export type { RelayApiOptions } from './api/relay-api.options';
export type { RelayIngestOptions } from './worker/relay-ingest.options';
export { RelayGatewayHealthIndicator } from './worker/relay-gateway.health';
export { RelayMaintenance } from './api/relay-maintenance';
