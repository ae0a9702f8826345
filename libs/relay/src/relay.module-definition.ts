import { ConfigurableModuleBuilder, DynamicModule } from '@nestjs/common';
import { RoleModuleExtras, withRole } from '@discord-backbone/queue';
import { RELAY_PRODUCER } from './api/relay-producer.side';
import { RELAY_OPTIONS, RelayModuleAsyncOptions, RelayModuleOptions, RelayOptions } from './relay.options';
import { RELAY_CONSUMER } from './worker/relay-consumer.side';

const withRelayRole = withRole({ producer: RELAY_PRODUCER, consumer: RELAY_CONSUMER });

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<RelayOptions>({
  optionsInjectionToken: RELAY_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<RoleModuleExtras>({ isGlobal: false, role: 'producer', routes: true }, withRelayRole)
  .build();

/** The builder's class, its methods typed by role: each role takes its own options, never the other's. */
export const ConfigurableRelayModule: (new () => object) & {
  forRoot(options: RelayModuleOptions): DynamicModule;
  forRootAsync(options: RelayModuleAsyncOptions): DynamicModule;
} = ConfigurableModuleClass;
