import { Module } from '@nestjs/common';
import { DeploymentCoordination } from './deployment-coordination';
import { ConfigurablePrismaModule } from './prisma.module-definition';
import { PrismaService } from './prisma.service';

/** PrismaService (the app's one pool) and DeploymentCoordination. `forRoot` / `forRootAsync`; global unless `isGlobal: false`. */
@Module({ providers: [PrismaService, DeploymentCoordination], exports: [PrismaService, DeploymentCoordination] })
export class PrismaModule extends ConfigurablePrismaModule {}
