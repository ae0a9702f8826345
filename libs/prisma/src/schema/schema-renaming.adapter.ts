import type { PrismaPg } from '@prisma/adapter-pg';
import { DEFAULT_BACKBONE_SCHEMA, quoteIdentifier } from './backbone-schema';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;
type SqlQuery = Parameters<Adapter['queryRaw']>[0];

/**
 * Prisma names every table with the schema schema.prisma gives its model, so the backbone's
 * models say discord_backbone in every statement; for a backbone configured in another schema,
 * this adapter writes that schema's name instead (values are bound parameters, never in the
 * text, so only the quoted qualifier `"discord_backbone".` is rewritten).
 */
export class SchemaRenamingAdapterFactory {
  readonly provider: PrismaPg['provider'];
  readonly adapterName: PrismaPg['adapterName'];
  private readonly from = `${quoteIdentifier(DEFAULT_BACKBONE_SCHEMA)}.`;
  private readonly to: string;

  constructor(
    private readonly inner: PrismaPg,
    schema: string,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
    this.to = `${quoteIdentifier(schema)}.`;
  }

  async connect(): Promise<Adapter> {
    const adapter = await this.inner.connect();
    const rename = (query: SqlQuery): SqlQuery => ({ ...query, sql: this.rename(query.sql) });
    return Object.assign(Object.create(adapter) as Adapter, {
      queryRaw: (query: SqlQuery) => adapter.queryRaw(rename(query)),
      executeRaw: (query: SqlQuery) => adapter.executeRaw(rename(query)),
      executeScript: (script: string) => adapter.executeScript(this.rename(script)),
      startTransaction: async (...args: Parameters<Adapter['startTransaction']>): Promise<Transaction> => {
        const transaction = await adapter.startTransaction(...args);
        return Object.assign(Object.create(transaction) as Transaction, {
          queryRaw: (query: SqlQuery) => transaction.queryRaw(rename(query)),
          executeRaw: (query: SqlQuery) => transaction.executeRaw(rename(query)),
          commit: () => transaction.commit(),
          rollback: () => transaction.rollback(),
        });
      },
      getConnectionInfo: () => adapter.getConnectionInfo(),
      dispose: () => adapter.dispose(),
    });
  }

  private rename(sql: string): string {
    return sql.split(this.from).join(this.to);
  }
}
