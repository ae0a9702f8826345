import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DISCORD_OPTIONS, DiscordOptions } from './discord.options';

export const { ConfigurableModuleClass: ConfigurableDiscordModule } = new ConfigurableModuleBuilder<DiscordOptions>({
  optionsInjectionToken: DISCORD_OPTIONS,
})
  .setClassMethodName('forRoot')
  // An app makes it global (`isGlobal: true`) so that every Discord caller counts into its one budget.
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
