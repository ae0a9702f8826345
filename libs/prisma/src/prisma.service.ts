import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import { PRISMA_OPTIONS, PrismaModuleOptions } from './prisma.options';

const DISCONNECT_TIMEOUT_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * The Prisma client, on node-postgres through the driver adapter (no native engine).
 * Connects at start-up and fails start-up if Postgres is unreachable; disconnects only at
 * application shutdown, after consumers have drained their in-flight messages.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PrismaService.name);

  constructor(@Inject(PRISMA_OPTIONS) options: PrismaModuleOptions) {
    super({
      adapter: new PrismaPg({
        connectionString: options.databaseUrl,
        max: options.poolSize ?? 10,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
        statement_timeout: options.statementTimeoutMs ?? 30_000,
        query_timeout: (options.statementTimeoutMs ?? 30_000) + 5000,
        // A transaction left open by a crashed handler must not hold its row locks for ever.
        idle_in_transaction_session_timeout: 120_000,
        // Dead peers (a failed-over primary, a dropped NAT entry) are noticed by the kernel.
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
      }),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
    await this.$queryRaw`SELECT 1`;
    this.logger.log('Connected to Postgres');
  }

  /**
   * Handlers still blocked in a query after the drain deadline would keep the pool from closing;
   * their messages have been handed back already, so the process may go and Postgres rolls back.
   */
  async onApplicationShutdown(): Promise<void> {
    const closed = await Promise.race([this.$disconnect().then(() => true), sleep(DISCONNECT_TIMEOUT_MS).then(() => false)]);
    if (!closed) this.logger.warn({ msg: 'Postgres connections still busy at shutdown; closing with the process' });
  }
}
