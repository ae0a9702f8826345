import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { DeliveryNotifier } from './delivery.notifier';
import { DeliveryStore } from './delivery.store';
import { LeaseService } from './lease.service';
import { OutboundSender } from './outbound.sender';
import { RELAY_API_OPTIONS, RelayApiOptions } from './relay-api.options';
import { RelayBackendGuard } from './relay-backend.guard';
import { RelayMaintenance } from './relay-maintenance';
import { RelayMetrics } from './relay.metrics';
import { RelayJsonBodyGuard } from './relay-json-body.guard';
import { PostgresRelayRateLimiter, RelayRateLimiter } from './relay-rate-limiter';
import { RelayDeadController, RelayHealthController, RelayMessagesController } from './relay.controllers';
import { RequestIdMiddleware } from './request-id.middleware';
import { SendPermissions } from './send-permissions';

/**
 * API side of the relay: the /v1 routes for backend bots (pending, lease, ack, nack, extend, send,
 * dead, redrive, health), long polls woken by LISTEN/NOTIFY, and the pruning schedule. Needs
 * PrismaModule and (global) DiscordModule; the app's ApiKeyGuard lets these routes through to their own guard.
 */
@Module({})
export class RelayApiModule implements NestModule {
  static forRoot(options: RelayApiOptions): DynamicModule {
    return {
      module: RelayApiModule,
      controllers: [RelayMessagesController, RelayDeadController, RelayHealthController],
      providers: [
        { provide: RELAY_API_OPTIONS, useValue: options },
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
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware).forRoutes(RelayMessagesController, RelayDeadController, RelayHealthController);
  }
}
