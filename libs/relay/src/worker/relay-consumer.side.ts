import type { RoleSides } from '@discord-backbone/queue';
import { RELAY_OPTIONS } from '../relay.options';
import { MessageIngestor } from './message.ingestor';
import { RelayGatewayHealthIndicator } from './relay-gateway.health';
import { RelayGateway } from './relay-gateway.service';
import { RELAY_INGEST_OPTIONS } from './relay-ingest.options';

/**
 * The consumer side, the worker's gateway ingest: one Discord gateway connection per relay bot,
 * ingest (and gap backfill) into Postgres. Only where the gateway should run.
 */
export const RELAY_CONSUMER: RoleSides['consumer'] = {
  providers: [
    // forRoot's types give the consumer role RelayIngestOptions.
    { provide: RELAY_INGEST_OPTIONS, useExisting: RELAY_OPTIONS },
    MessageIngestor,
    RelayGateway,
    RelayGatewayHealthIndicator,
  ],
  exports: [RelayGatewayHealthIndicator],
};
