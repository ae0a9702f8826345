/**
 * The client of a Prisma interactive transaction (`prisma.$transaction(async (tx) => …)`), from
 * any generated client: only its raw-SQL methods are used, so the host's own schema does not matter.
 */
export interface PrismaTransactionClient {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

/** A node-postgres client (`PoolClient`, `Client`) on which the host has run BEGIN; this project's SqlTransaction fits too. */
export interface PgTransactionClient {
  query(text: string, values?: unknown[]): PromiseLike<unknown>;
}

/**
 * The host's open transaction, in which producers stage their messages (and rows): the message is
 * sent if and only if the host's change commits. Told apart by shape, not by class, so the host's
 * own Prisma client or `pg` package works whatever its version.
 */
export type HostTransaction = PrismaTransactionClient | PgTransactionClient;

/** Runs one parameterised statement ($1, $2 …) in the host's transaction. */
export async function executeInTransaction(tx: HostTransaction, text: string, values: unknown[]): Promise<void> {
  if (isPrismaTransaction(tx)) {
    // The root client has $transaction; its raw calls would each commit on their own.
    if (typeof (tx as { $transaction?: unknown }).$transaction === 'function') {
      throw new TypeError(
        'Expected the client of a Prisma interactive transaction (prisma.$transaction(async (tx) => …)), got the Prisma client itself',
      );
    }
    await tx.$executeRawUnsafe(text, ...values);
    return;
  }
  if (isPgClient(tx)) {
    // A pool runs each query on whichever connection is free: no transaction can span them.
    if (typeof (tx as { connect?: unknown }).connect === 'function' && 'totalCount' in tx) {
      throw new TypeError(
        'Expected a pg client inside a transaction (await pool.connect(), then BEGIN), got a pg Pool',
      );
    }
    await tx.query(text, values);
    return;
  }
  throw new TypeError(
    'Expected a host transaction: a Prisma interactive-transaction client ($executeRawUnsafe) or a pg client (query(text, values))',
  );
}

function isPrismaTransaction(tx: unknown): tx is PrismaTransactionClient {
  return (
    typeof tx === 'object' && tx !== null && typeof (tx as PrismaTransactionClient).$executeRawUnsafe === 'function'
  );
}

function isPgClient(tx: unknown): tx is PgTransactionClient {
  return typeof tx === 'object' && tx !== null && typeof (tx as PgTransactionClient).query === 'function';
}
