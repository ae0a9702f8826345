import { DynamicModule, Module } from '@nestjs/common';
import { MessageIngestor } from './message.ingestor';
import { RelayGatewayHealthIndicator } from './relay-gateway.health';
import { RelayGateway } from './relay-gateway.service';
import { RELAY_INGEST_OPTIONS, RelayIngestOptions } from './relay-ingest.options';

/** Worker side of the relay: Discord gateway ingest (and gap backfill) into Postgres. Needs PrismaModule and (global) DiscordModule. */
@Module({})
export class RelayIngestModule {
  static forRoot(options: RelayIngestOptions): DynamicModule {
    return {
      module: RelayIngestModule,
            providers: [{ provide: RELAY_INGEST_OPTIONS, useValue: options }, MessageIngestor, RelayGateway, RelayGatewayHealthIndicator],
      exports: [RelayGatewayHealthIndicator],
    };
  }
}
