import { ConfigurableModuleBuilder } from '@nestjs/common';
import { SQS_CLIENT_OPTIONS, SqsClientOptions } from './queue.options';

export const { ConfigurableModuleClass: ConfigurableSqsClientModule } = new ConfigurableModuleBuilder<SqsClientOptions>(
  { optionsInjectionToken: SQS_CLIENT_OPTIONS },
)
  .setClassMethodName('forRoot')
  // Global unless told otherwise: every producer, consumer and health check of an app shares the one client.
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
