import { ConfigurableModuleBuilder } from '@nestjs/common';
import { RoleModuleExtras, withRole } from '@discord-backbone/queue';
import { BOT_OPERATIONS_PRODUCER } from './api/bot-operations-producer.side';
import { BOT_OPERATIONS_OPTIONS, BotOperationsOptions } from './bot-operations.options';
import { BOT_OPERATIONS_CONSUMER } from './worker/bot-operations-consumer.side';

export const { ConfigurableModuleClass: ConfigurableBotOperationsModule } =
  new ConfigurableModuleBuilder<BotOperationsOptions>({ optionsInjectionToken: BOT_OPERATIONS_OPTIONS })
    .setClassMethodName('forRoot')
    .setExtras<RoleModuleExtras>(
      { isGlobal: false, role: 'producer', routes: true },
      withRole({ producer: BOT_OPERATIONS_PRODUCER, consumer: BOT_OPERATIONS_CONSUMER }),
    )
    .build();
