import type { RoleSides } from '@discord-backbone/queue';
import { RELAY_OPTIONS } from '../relay.options';
import { DeliveryNotifier } from './delivery.notifier';
import { DeliveryStore } from './delivery.store';
import { LeaseService } from './lease.service';
import { OutboundSender } from './outbound.sender';
import { RELAY_API_OPTIONS } from './relay-api.options';
import { RelayBackendGuard } from './relay-backend.guard';
import { RelayDeadController } from './relay-dead.controller';
import { RelayHealthController } from './relay-health.controller';
import { RelayJsonBodyGuard } from './relay-json-body.guard';
import { RelayMaintenance } from './relay-maintenance';
import { RelayMessagesController } from './relay-messages.controller';
import { PostgresRelayRateLimiter, RelayRateLimiter } from './relay-rate-limiter';
import { RelayMetrics } from './relay.metrics';
import { SendPermissions } from './send-permissions';

/**
 * The producer side, the API a host serves: the /v1 routes for backend bots (pending, lease, ack,
 * nack, extend, send, dead, redrive, health), long polls woken by LISTEN/NOTIFY, and the pruning
 * schedule. Opens no gateway connection (the consumer side does). RelayModule gives its routes
 * their request ids.
 */
export const RELAY_PRODUCER: RoleSides['producer'] = {
  controllers: [RelayMessagesController, RelayDeadController, RelayHealthController],
  providers: [
    // forRoot's types give the producer role RelayApiOptions.
    { provide: RELAY_API_OPTIONS, useExisting: RELAY_OPTIONS },
    RelayBackendGuard,
    RelayJsonBodyGuard,
    { provide: RelayRateLimiter, useClass: PostgresRelayRateLimiter },
    DeliveryStore,
    DeliveryNotifier,
    LeaseService,
    OutboundSender,
    SendPermissions,
    RelayMaintenance,
    RelayMetrics,
  ],
  exports: [DeliveryStore, RelayMaintenance],
};
