import { ConfigurableModuleBuilder } from '@nestjs/common';
import { RoleModuleExtras, withRole } from '@discord-backbone/queue';
import { CAMPAIGNS_PRODUCER } from './api/campaigns-producer.side';
import { CAMPAIGNS_OPTIONS, CampaignsOptions } from './campaigns.options';
import { CAMPAIGNS_CONSUMER } from './worker/campaigns-consumer.side';

export const { ConfigurableModuleClass: ConfigurableCampaignsModule } = new ConfigurableModuleBuilder<CampaignsOptions>(
  { optionsInjectionToken: CAMPAIGNS_OPTIONS },
)
  .setClassMethodName('forRoot')
  .setExtras<RoleModuleExtras>(
    { isGlobal: false, role: 'producer', routes: true },
    withRole({ producer: CAMPAIGNS_PRODUCER, consumer: CAMPAIGNS_CONSUMER }),
  )
  .build();
