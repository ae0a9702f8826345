import { ConfigurableModuleBuilder, DynamicModule } from '@nestjs/common';
import { RoleModuleExtras, withRole } from '@discord-backbone/queue';
import { RELAY_PRODUCER } from './api/relay-producer.side';
import { RELAY_OPTIONS, RelayModuleAsyncOptions, RelayModuleOptions, RelayOptions } from './relay.options';
import { RELAY_CONSUMER } from './worker/relay-consumer.side';

/** The controllers the module mounts (the producer's, unless `routes: false`): RelayModule gives their requests ids. */
export const RELAY_ROUTES = Symbol('RELAY_ROUTES');

const withRelayRole = withRole({ producer: RELAY_PRODUCER, consumer: RELAY_CONSUMER });

function withRelayRoutes(definition: DynamicModule, extras: RoleModuleExtras): DynamicModule {
  const module = withRelayRole(definition, extras);
  return {
    ...module,
    providers: [...(module.providers ?? []), { provide: RELAY_ROUTES, useValue: module.controllers ?? [] }],
  };
}

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<RelayOptions>({
  optionsInjectionToken: RELAY_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<RoleModuleExtras>({ isGlobal: false, role: 'producer', routes: true }, withRelayRoutes)
  .build();

/** The builder's class, its methods typed by role: each role takes its own options, never the other's. */
export const ConfigurableRelayModule: (new () => object) & {
  forRoot(options: RelayModuleOptions): DynamicModule;
  forRootAsync(options: RelayModuleAsyncOptions): DynamicModule;
} = ConfigurableModuleClass;
