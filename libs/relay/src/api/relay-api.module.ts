import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { DeliveryNotifier } from './delivery.notifier';
import { DeliveryStore } from './delivery.store';
import { LeaseService } from './lease.service';
import { OutboundSender } from './outbound.sender';
import { ConfigurableRelayApiModule } from './relay-api.module-definition';
import { RelayBackendGuard } from './relay-backend.guard';
import { RelayDeadController } from './relay-dead.controller';
import { RelayHealthController } from './relay-health.controller';
import { RelayJsonBodyGuard } from './relay-json-body.guard';
import { RelayMaintenance } from './relay-maintenance';
import { RelayMessagesController } from './relay-messages.controller';
import { PostgresRelayRateLimiter, RelayRateLimiter } from './relay-rate-limiter';
import { RelayMetrics } from './relay.metrics';
import { RequestIdMiddleware } from './request-id.middleware';
import { SendPermissions } from './send-permissions';

/**
 * API side of the relay (`forRoot` / `forRootAsync`): the /v1 routes for backend bots (pending,
 * lease, ack, nack, extend, send, dead, redrive, health), long polls woken by LISTEN/NOTIFY, and
 * the pruning schedule. Opens no gateway connection (RelayIngestModule does). Needs PrismaModule
 * and (global) DiscordModule; the app's ApiKeyGuard lets these routes through to their own guard.
 */
@Module({
  controllers: [RelayMessagesController, RelayDeadController, RelayHealthController],
  providers: [
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
})
export class RelayApiModule extends ConfigurableRelayApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware).forRoutes(RelayMessagesController, RelayDeadController, RelayHealthController);
  }
}
