import { RelayMaintenance } from './api/relay-maintenance';
import { RelayMessagesController } from './api/relay-messages.controller';
import type { RelaySettings } from './config/relay-settings';
import { RelayModule } from './relay.module';
import { RelayGatewayHealthIndicator } from './worker/relay-gateway.health';
import { RelayGateway } from './worker/relay-gateway.service';

const settings = {} as RelaySettings;
const api = { settings, databaseUrl: 'postgres://x', requestTimeoutMs: 1, rateLimitPerMinute: 1, retentionHours: 1 };
const ingest = {
  settings,
  requestTimeoutMs: 1,
  backfillMaxMessages: 0,
  ingestMaxPending: 1,
  shutdownDrainTimeoutMs: 1,
};

describe('RelayModule', () => {
  it('is the /v1 API in the producer role (the default), with no gateway', () => {
    const producer = RelayModule.forRoot(api);
    expect(producer.module).toBe(RelayModule);
    expect(producer.controllers).toContain(RelayMessagesController);
    expect(producer.providers).not.toContain(RelayGateway);
    expect(producer.exports).toContain(RelayMaintenance);
  });

  it('is the gateway ingest in the consumer role, through forRoot or forRootAsync, with no /v1 routes', () => {
    for (const consumer of [
      RelayModule.forRoot({ role: 'consumer', ...ingest }),
      RelayModule.forRootAsync({ role: 'consumer', isGlobal: true, useFactory: () => ingest }),
    ]) {
      expect(consumer.controllers).toEqual([]);
      expect(consumer.providers).toContain(RelayGateway);
      expect(consumer.exports).toEqual([RelayGatewayHealthIndicator]);
    }
  });

  it('mounts no /v1 routes with routes: false', () => {
    const host = RelayModule.forRoot({ ...api, routes: false });
    expect(host.controllers).toEqual([]);
  });
});
