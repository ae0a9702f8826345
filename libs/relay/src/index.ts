export { loadRelayConfig } from './config/relay-config';
export type { BackendBotSettings, DiscordBotSettings, RelaySettings } from './config/relay-settings';
export { RelayIngestModule } from './worker/relay-ingest.module';
export { RelayGatewayHealthIndicator } from './worker/relay-gateway.health';
export { RelayApiModule } from './api/relay-api.module';
export { RelayMaintenance } from './api/relay-maintenance';
