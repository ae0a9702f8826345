import { ConfigurableModuleBuilder } from '@nestjs/common';
import { RoleModuleExtras, withRole } from '@discord-backbone/queue';
import { PRIZES_CONSUMER } from './prizes-consumer.side';
import { PRIZES_PRODUCER } from './prizes-producer.side';
import { PRIZES_OPTIONS, PrizesOptions } from './prizes.options';

export const { ConfigurableModuleClass: ConfigurablePrizesModule } = new ConfigurableModuleBuilder<PrizesOptions>({
  optionsInjectionToken: PRIZES_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<RoleModuleExtras>(
    { isGlobal: false, role: 'producer', routes: true },
    withRole({ producer: PRIZES_PRODUCER, consumer: PRIZES_CONSUMER }),
  )
  .build();
