import { DynamicModule, Global, Module } from '@nestjs/common';
import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { DeploymentCoordination } from './deployment-coordination';
import { PRISMA_OPTIONS, PrismaModuleOptions } from './prisma.options';
import { PrismaService } from './prisma.service';

@Global()
@Module({})
export class PrismaModule {
  static forRootAsync(options: Pick<ModuleMetadata, 'imports'> & Omit<FactoryProvider<PrismaModuleOptions>, 'provide'>): DynamicModule {
    return {
      module: PrismaModule,
      imports: options.imports ?? [],
      providers: [{ provide: PRISMA_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }, PrismaService, DeploymentCoordination],
      exports: [PrismaService, DeploymentCoordination],
    };
  }
}
