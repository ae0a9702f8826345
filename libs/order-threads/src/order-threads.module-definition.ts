import { ConfigurableModuleBuilder } from '@nestjs/common';
import { RoleModuleExtras, withRole } from '@discord-backbone/queue';
import { ORDER_THREADS_PRODUCER } from './api/order-threads-producer.side';
import { ORDER_THREADS_OPTIONS, OrderThreadsOptions } from './order-threads.options';
import { ORDER_THREADS_CONSUMER } from './worker/order-threads-consumer.side';

export const { ConfigurableModuleClass: ConfigurableOrderThreadsModule } =
  new ConfigurableModuleBuilder<OrderThreadsOptions>({ optionsInjectionToken: ORDER_THREADS_OPTIONS })
    .setClassMethodName('forRoot')
    .setExtras<RoleModuleExtras>(
      { isGlobal: false, role: 'producer', routes: true },
      withRole({ producer: ORDER_THREADS_PRODUCER, consumer: ORDER_THREADS_CONSUMER }),
    )
    .build();
