import { ConfigurableModuleBuilder } from '@nestjs/common';
import { RELAY_INGEST_OPTIONS, RelayIngestOptions } from './relay-ingest.options';

export const { ConfigurableModuleClass: ConfigurableRelayIngestModule } =
  new ConfigurableModuleBuilder<RelayIngestOptions>({ optionsInjectionToken: RELAY_INGEST_OPTIONS })
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
    .build();
