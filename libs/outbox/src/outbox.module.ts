import { Module } from '@nestjs/common';
import { OutboxMetrics } from './outbox.metrics';
import { ConfigurableOutboxModule } from './outbox.module-definition';
import { OutboxService } from './outbox.service';

/**
 * Transactional outbox: OutboxService stages messages in a transaction; with `role: 'consumer'`,
 * OutboxDispatcher also sends them from this process (the default `producer` role stages only).
 * `forRoot` / `forRootAsync`; global unless `isGlobal: false`. Needs PrismaModule and SqsClientModule.
 */
@Module({ providers: [OutboxService, OutboxMetrics], exports: [OutboxService] })
export class OutboxModule extends ConfigurableOutboxModule {}
