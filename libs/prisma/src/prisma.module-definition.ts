import { ConfigurableModuleBuilder } from '@nestjs/common';
import { PRISMA_OPTIONS, PrismaModuleOptions } from './prisma.options';

export const { ConfigurableModuleClass: ConfigurablePrismaModule } = new ConfigurableModuleBuilder<PrismaModuleOptions>(
  { optionsInjectionToken: PRISMA_OPTIONS },
)
  .setClassMethodName('forRoot')
  // Global unless told otherwise: every store of every module uses the app's one pool.
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
