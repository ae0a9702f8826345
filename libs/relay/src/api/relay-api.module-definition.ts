import { ConfigurableModuleBuilder } from '@nestjs/common';
import { RELAY_API_OPTIONS, RelayApiOptions } from './relay-api.options';

export const { ConfigurableModuleClass: ConfigurableRelayApiModule } = new ConfigurableModuleBuilder<RelayApiOptions>({
  optionsInjectionToken: RELAY_API_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
