import { ConfigurableModuleBuilder } from '@nestjs/common';
import { RoleModuleExtras, withRole } from '@discord-backbone/queue';
import { OutboxDispatcher } from './outbox.dispatcher';
import { OUTBOX_OPTIONS, OutboxOptions } from './outbox.options';

export const { ConfigurableModuleClass: ConfigurableOutboxModule } = new ConfigurableModuleBuilder<OutboxOptions>({
  optionsInjectionToken: OUTBOX_OPTIONS,
})
  .setClassMethodName('forRoot')
  // Global unless told otherwise: every producer module stages through it. The sender exists in
  // the consumer role only: a producer stages, and one of the host's deployments sends.
  .setExtras<RoleModuleExtras>(
    { isGlobal: true, role: 'producer', routes: true },
    withRole({ producer: {}, consumer: { providers: [OutboxDispatcher], exports: [OutboxDispatcher] } }),
  )
  .build();
