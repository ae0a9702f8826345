import { Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import { readSettings } from './settings';

/** The marketplace's own Prisma client, generated from its own schema.prisma (users, orders). */
@Injectable()
export class MarketplaceDb extends PrismaClient implements OnModuleDestroy {
  constructor() {
    super({ adapter: new PrismaPg({ connectionString: readSettings().databaseUrl }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

/** Not global: the backbone's thread-answer handler gets it through BackendResponseConsumerModule's `imports`. */
@Module({ providers: [MarketplaceDb], exports: [MarketplaceDb] })
export class MarketplaceDbModule {}
