import { ConfigurableModuleBuilder } from '@nestjs/common';
import { HEALTH_OPTIONS, HealthModuleOptions } from './health.options';

export const { ConfigurableModuleClass: ConfigurableHealthModule } = new ConfigurableModuleBuilder<HealthModuleOptions>(
  { optionsInjectionToken: HEALTH_OPTIONS },
)
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
