import { ConfigurableModuleBuilder } from '@nestjs/common';
import { AUTH_OPTIONS, AuthOptions } from './auth.options';

export const { ConfigurableModuleClass: ConfigurableAuthModule } = new ConfigurableModuleBuilder<AuthOptions>({
  optionsInjectionToken: AUTH_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
