import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from './generated/client';
import type { Prisma } from './generated/client';
import { PRISMA_OPTIONS, PrismaModuleOptions } from './prisma.options';
import { backboneSearchPath, DEFAULT_BACKBONE_SCHEMA } from './schema/backbone-schema';
import { SchemaRenamingAdapterFactory } from './schema/schema-renaming.adapter';
import { run, SqlTransaction, sqlTransaction, tracedQuery } from './sql';

const DISCONNECT_TIMEOUT_MS = 1000;
const tracer = trace.getTracer('database');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * The Prisma client, on node-postgres through the driver adapter (no native engine), and plain
 * SQL transactions on the same pool (sqlTransaction) for the hot paths. Connects at start-up and
 * fails start-up if Postgres is unreachable; disconnects only at application shutdown, after
 * consumers have drained their in-flight messages.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PrismaService.name);
  private readonly pool: Pool;

  constructor(@Inject(PRISMA_OPTIONS) options: PrismaModuleOptions) {
    const schema = options.schema ?? DEFAULT_BACKBONE_SCHEMA;
    const pool = new Pool({
      connectionString: options.databaseUrl,
      // Raw SQL names the backbone's tables unqualified: its schema first on every connection.
      options: `-c search_path=${backboneSearchPath(schema)}`,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      query_timeout: (options.statementTimeoutMs ?? 30_000) + 5000,
      // A transaction left open by a crashed handler must not hold its row locks for ever.
      idle_in_transaction_session_timeout: 120_000,
      // Dead peers (a failed-over primary, a dropped NAT entry) are noticed by the kernel.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    const adapter = new PrismaPg(pool, { disposeExternalPool: true });
    super({
      adapter: schema === DEFAULT_BACKBONE_SCHEMA ? adapter : new SchemaRenamingAdapterFactory(adapter, schema),
    });
    this.pool = pool;
    // An idle connection that dies (Postgres restarted) is dropped by the pool; unheard, its error would end the process.
    pool.on('error', (error) => this.logger.warn({ msg: 'Idle Postgres connection lost', error: error.message }));
  }

  /**
   * One statement built with Prisma.sql, run on the pool in plain SQL (no transaction of its own):
   * for hot single-statement paths, a quarter of $queryRaw's CPU. Rows come as node-postgres gives
   * them (bigint and numeric as strings).
   */
  async sql<R extends object>(statement: Prisma.Sql): Promise<R[]> {
    return (await tracedQuery<R>(this.pool, statement.text, statement.values)).rows;
  }

  /**
   * Runs `work` in a transaction in plain SQL (see SqlTransaction), committed when it resolves and
   * rolled back when it throws. A connection that cannot be had or breaks throws
   * DatabaseConnectionError; errors Postgres reports keep their SQLSTATE.
   */
  async sqlTransaction<T>(work: (sql: SqlTransaction) => Promise<T>): Promise<T> {
    return tracer.startActiveSpan(
      'db.transaction',
      { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } },
      async (span) => {
        let client;
        try {
          client = await run(() => this.pool.connect());
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          throw error;
        }
        let broken: unknown;
        // A checked-out connection that breaks between statements emits 'error'; unheard, it would end the process.
        const onError = (error: Error) => (broken = error);
        client.on('error', onError);
        try {
          const sql = sqlTransaction(client);
          await sql.execute('BEGIN');
          const result = await work(sql);
          await sql.execute('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError));
          span.recordException(error instanceof Error ? error : new Error(String(error)));
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          // A connection that broke or whose rollback failed is not given back to the pool.
          client.off('error', onError);
          client.release(broken !== undefined ? new Error('connection broken') : undefined);
          span.end();
        }
      },
    );
  }

  /**
   * Fails start-up if Postgres cannot be reached. Through the pool, not `$connect`: Prisma's query
   * compiler (WebAssembly, about 25 MiB resident) is loaded at the client's first query, so a
   * process whose paths are all plain SQL (a prize worker) never carries it.
   */
  async onModuleInit(): Promise<void> {
    await tracedQuery(this.pool, 'SELECT 1');
    this.logger.log('Connected to Postgres');
  }

  /**
   * Handlers still blocked in a query after the drain deadline would keep the pool from closing;
   * their messages have been handed back already, so the process may go and Postgres rolls back.
   */
  async onApplicationShutdown(): Promise<void> {
    const closed = await Promise.race([
      this.$disconnect().then(() => true),
      sleep(DISCONNECT_TIMEOUT_MS).then(() => false),
    ]);
    if (!closed) this.logger.warn({ msg: 'Postgres connections still busy at shutdown; closing with the process' });
  }
}
