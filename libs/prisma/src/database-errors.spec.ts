import { databaseFailure } from './database-errors';
import { Prisma } from './generated/client';

const known = (code: string, cause?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError(
    "\nInvalid `tx.user.count()` invocation in\n/app/x.ts:1:1\n\nCan't reach database server",
    { code, clientVersion: '6', meta: cause ? { driverAdapterError: { name: 'DriverAdapterError', cause } } : {} },
  );

describe('databaseFailure', () => {
  it('recognises an unreachable Postgres however Prisma reports it', () => {
    expect(databaseFailure(known('P1001', { kind: 'DatabaseNotReachable', host: 'h', port: 5432 }))?.kind).toBe(
      'unavailable',
    );
    expect(databaseFailure(known('P2010', { kind: 'DatabaseNotReachable' }))?.kind).toBe('unavailable');
    expect(
      databaseFailure(
        known('P2010', {
          kind: 'postgres',
          code: '57P01',
          originalCode: '57P01',
          originalMessage: 'terminating connection due to administrator command',
        }),
      )?.kind,
    ).toBe('unavailable');
    expect(
      databaseFailure(
        Object.assign(new Error('Connection terminated unexpectedly'), {
          name: 'DriverAdapterError',
          cause: { kind: 'ConnectionClosed' },
        }),
      )?.kind,
    ).toBe('unavailable');
  });

  it('takes a read-only standby (25006) and exhausted resources (class 53) as unavailable', () => {
    const readOnly = {
      kind: 'postgres',
      code: '25006',
      originalCode: '25006',
      originalMessage: 'cannot execute INSERT in a read-only transaction',
    };
    expect(databaseFailure(known('P2010', readOnly))).toEqual({
      kind: 'unavailable',
      code: '25006',
      message: 'Postgres cannot take writes now (25006): cannot execute INSERT in a read-only transaction',
    });
    expect(databaseFailure(Object.assign(new Error('x'), { name: 'DriverAdapterError', cause: readOnly }))?.kind).toBe(
      'unavailable',
    );
    for (const [code, text] of [
      ['53100', 'could not extend file: No space left on device'],
      ['53200', 'out of memory'],
      ['53300', 'sorry, too many clients already'],
      ['53400', 'configuration limit exceeded'],
    ]) {
      expect(
        databaseFailure(known('P2010', { kind: 'postgres', code, originalCode: code, originalMessage: text })),
      ).toMatchObject({ kind: 'unavailable', code });
    }
    // node-postgres' own error, unwrapped (a raw pg.Pool query).
    expect(
      databaseFailure(
        Object.assign(new Error('cannot execute UPDATE in a read-only transaction'), {
          code: '25006',
          severity: 'ERROR',
        }),
      )?.kind,
    ).toBe('unavailable');
  });

  it('takes SQLSTATE class 22 (out of range, invalid byte sequence) as a data error', () => {
    expect(
      databaseFailure(
        known('P2020', {
          originalCode: '22003',
          originalMessage: 'value "2147483648" is out of range for type integer',
          kind: 'ValueOutOfRange',
        }),
      ),
    ).toEqual({
      kind: 'data',
      code: '22003',
      message: 'Postgres refused a value (22003): value "2147483648" is out of range for type integer',
    });
    expect(
      databaseFailure(
        Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
          name: 'DriverAdapterError',
          cause: { originalCode: '22021', originalMessage: 'invalid byte sequence for encoding "UTF8": 0x00' },
        }),
      )?.kind,
    ).toBe('data');
  });

  it('takes pool and transaction timeouts as busy, and leaves everything else alone', () => {
    expect(databaseFailure(known('P2028'))?.kind).toBe('busy');
    expect(databaseFailure(known('P2024'))?.kind).toBe('busy');
    expect(databaseFailure(known('P2002', { originalCode: '23505' }))).toBeUndefined();
    expect(databaseFailure(new Error('ECONNREFUSED 127.0.0.1:4566 (SQS)'))).toBeUndefined();
    expect(databaseFailure('x')).toBeUndefined();
  });
});
