import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';

const tracer = trace.getTracer('database');

/**
 * A transaction on the connection pool Prisma uses, in plain SQL: for the fixed-shape hot paths
 * (the prize consumer's batch, its idempotency keys), where Prisma's query compiler costs several
 * times the query itself (measured: findMany ≈ 500 µs CPU, $queryRaw ≈ 260 µs, pg ≈ 65 µs).
 */
export interface SqlTransaction {
  /** Rows of a parameterised statement ($1, $2 …). */
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** Rows affected by a statement without RETURNING. */
  execute(text: string, values?: unknown[]): Promise<number>;
}

/**
 * A connection-level failure (refused, reset, timed out before Postgres answered): named so that
 * databaseFailure() reads it as Postgres being unreachable, whatever node-postgres called it.
 */
export class DatabaseConnectionError extends Error {
  constructor(cause: { message?: unknown }) {
    super(`Postgres unreachable: ${String(cause.message)}`, { cause });
    this.name = 'DatabaseConnectionError';
  }
}

/** The statements of a transaction on `client`. */
export function sqlTransaction(client: PoolClient): SqlTransaction {
  return {
    query: async <R extends object>(text: string, values?: unknown[]) =>
      (await tracedQuery<R>(client, text, values)).rows,
    execute: async (text: string, values?: unknown[]) => (await tracedQuery(client, text, values)).rowCount ?? 0,
  };
}

/** Something node-postgres can run a statement on: a client, or the pool. */
interface Queryable {
  query<T extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<T>>;
}

/** One statement in a `db.query` span (its text, never its values), connection failures named as such. */
export async function tracedQuery<R extends object>(
  on: Queryable,
  text: string,
  values?: unknown[],
): Promise<QueryResult<R & QueryResultRow>> {
  const span = tracer.startSpan('db.query', {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system.name': 'postgresql',
      'db.operation.name': /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY',
      'db.query.text': text,
    },
  });
  try {
    return await run(() => on.query<R & QueryResultRow>(text, values));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs a node-postgres call: errors Postgres itself reported (with a severity and a SQLSTATE) are
 * rethrown as they are; anything else failed on the way there and becomes DatabaseConnectionError.
 */
export async function run<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // Duck-typed: socket errors come from Node's core, which in another realm (a Jest sandbox) are not `instanceof Error`.
    throw typeof error === 'object' && error !== null && !('severity' in error)
      ? new DatabaseConnectionError(error)
      : error;
  }
}
