/**
 * What a failed Postgres call means for the caller, read from Prisma's errors (and the driver
 * adapter's, which Prisma sometimes passes through unwrapped):
 * - `unavailable`: Postgres cannot be reached or dropped the connection, or cannot take writes for
 *   now: a failover left the connection on a read-only standby (25006), or it is out of resources
 *   (class 53: disk full, out of memory, too many connections). Retrying a message now only burns
 *   its receives; consumers pause until it answers (and takes writes) again.
 * - `busy`: the pool or a transaction timed out (P2024, P2028). Transient; the API answers 503.
 * - `data`: Postgres refused the values themselves (SQLSTATE class 22: out of range, invalid byte
 *   sequence, NUL…). Permanent: the same message will be refused every time.
 */
export type DatabaseFailureKind = 'unavailable' | 'busy' | 'data';

export interface DatabaseFailure {
  kind: DatabaseFailureKind;
  /** Prisma's code (P…) or Postgres' SQLSTATE, when known. */
  code?: string;
  /** One line, without Prisma's invocation excerpt (source paths, query arguments). */
  message: string;
}

const READ_ONLY_SQL_TRANSACTION = '25006';
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
const BUSY_PRISMA_CODES = new Set(['P2024', 'P2028']);
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'DatabaseDoesNotExist',
  'TlsConnectionError',
]);
// Node's and pg's own words for a connection that failed or went away.
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|Connection terminated|connection timeout|timeout exceeded when trying to connect|Can't reach database server|server closed the connection|Query read timeout/i;

interface AdapterCause {
  kind?: string;
  originalCode?: string;
  code?: string;
  originalMessage?: string;
  message?: string;
}

export function databaseFailure(error: unknown): DatabaseFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code, meta, cause, message } = error as {
    name?: string;
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: AdapterCause } };
    cause?: unknown;
    message?: string;
  };
  const adapter: AdapterCause | undefined =
    meta?.driverAdapterError?.cause ?? (name === 'DriverAdapterError' ? (cause as AdapterCause) : undefined);
  const sqlState =
    adapter?.originalCode ??
    adapter?.code ??
    (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined);
  const prismaCode = typeof code === 'string' && code.startsWith('P') ? code : undefined;
  const text = adapter?.originalMessage ?? adapter?.message ?? firstLine(message);

  if (name === 'DatabaseConnectionError') return { kind: 'unavailable', message: message ?? 'Postgres unreachable' };
  if (
    (prismaCode && UNAVAILABLE_PRISMA_CODES.has(prismaCode)) ||
    (adapter?.kind && UNAVAILABLE_ADAPTER_KINDS.has(adapter.kind)) ||
    name === 'PrismaClientInitializationError'
  ) {
    return {
      kind: 'unavailable',
      code: prismaCode ?? adapter?.kind,
      message: `Postgres unreachable: ${text ?? adapter?.kind ?? 'connection failed'}`,
    };
  }
  // 08xxx connection exceptions, 57P01-03 server shutting down / crashed.
  if (sqlState && (sqlState.startsWith('08') || /^57P0[123]$/.test(sqlState)))
    return { kind: 'unavailable', code: sqlState, message: `Postgres unreachable: ${text}` };
  // 25006 read-only transaction (a failover pointed us at a standby), 53xxx insufficient resources.
  if (sqlState && (sqlState === READ_ONLY_SQL_TRANSACTION || sqlState.startsWith('53')))
    return { kind: 'unavailable', code: sqlState, message: `Postgres cannot take writes now (${sqlState}): ${text}` };
  if (sqlState?.startsWith('22'))
    return { kind: 'data', code: sqlState, message: `Postgres refused a value (${sqlState}): ${text}` };
  if (prismaCode && BUSY_PRISMA_CODES.has(prismaCode))
    return { kind: 'busy', code: prismaCode, message: `Postgres busy (${prismaCode}): ${firstLine(message)}` };
  if (prismaCode === 'P2020') return { kind: 'data', code: prismaCode, message: `Postgres refused a value: ${text}` };
  if (!prismaCode && message && UNAVAILABLE_MESSAGE.test(message) && isDatabaseError(error))
    return { kind: 'unavailable', message: `Postgres unreachable: ${firstLine(message)}` };
  return undefined;
}

/** Errors that come from Prisma, its driver adapter or node-postgres (not, say, an SQS call). */
function isDatabaseError(error: object): boolean {
  const name = (error as { name?: string }).name ?? '';
  return (
    name.startsWith('PrismaClient') ||
    name === 'DriverAdapterError' ||
    'severity' in error ||
    /pg|postgres|database/i.test((error as { message?: string }).message ?? '')
  );
}

/** Prisma's messages start with "Invalid `x.y()` invocation in <file>…": keep the last meaningful line. */
function firstLine(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length > 1 && lines[0].startsWith('Invalid `') ? lines[lines.length - 1] : lines[0];
}
