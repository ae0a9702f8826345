import { DynamicModule, Module } from '@nestjs/common';
import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { OUTBOX_OPTIONS, OutboxOptions } from './outbox.options';
import { OutboxMetrics } from './outbox.metrics';
import { OutboxRelay } from './outbox.relay';
import { OutboxService } from './outbox.service';

/** Transactional outbox: OutboxService stages messages in a transaction, OutboxRelay sends them. Needs PrismaModule and SqsClientModule. */
@Module({})
export class OutboxModule {
  static forRootAsync(options: Pick<ModuleMetadata, 'imports'> & Omit<FactoryProvider<OutboxOptions>, 'provide'>): DynamicModule {
    return {
      module: OutboxModule,
      global: true,
      imports: options.imports ?? [],
      providers: [{ provide: OUTBOX_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }, OutboxService, OutboxRelay, OutboxMetrics],
      exports: [OutboxService, OutboxRelay],
    };
  }
}
