import { Module } from '@nestjs/common';
import { MessageIngestor } from './message.ingestor';
import { RelayGatewayHealthIndicator } from './relay-gateway.health';
import { RelayGateway } from './relay-gateway.service';
import { ConfigurableRelayIngestModule } from './relay-ingest.module-definition';

/**
 * Worker side of the relay (`forRoot` / `forRootAsync`): one Discord gateway connection per relay
 * bot, ingest (and gap backfill) into Postgres. Import it only where the gateway should run.
 * Needs PrismaModule and (global) DiscordModule.
 */
@Module({
  providers: [MessageIngestor, RelayGateway, RelayGatewayHealthIndicator],
  exports: [RelayGatewayHealthIndicator],
})
export class RelayIngestModule extends ConfigurableRelayIngestModule {}
