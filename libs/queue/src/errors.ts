import { databaseFailure } from '@discord-backbone/prisma';

/**
 * Errors a handler can throw. A PermanentError can never succeed on retry, so the message
 * is dead-lettered at once with the reason; anything else is treated as transient and retried.
 */
export abstract class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The body is not JSON. */
export class MalformedMessageError extends PermanentError {}

/** The body is JSON but breaks the message contract (missing fields, wrong types, absurd values). */
export class MessageValidationError extends PermanentError {}

/** The body names a message type no handler exists for. */
export class UnknownMessageTypeError extends PermanentError {}

/** Something the message refers to does not exist. */
export class NotFoundError extends PermanentError {}

/** The message is well-formed but asks for something the current state forbids. */
export class BadRequestError extends PermanentError {}

/** A key already applied with a different payload: a producer reused an event id. */
export class IdempotencyConflictError extends PermanentError {}

/**
 * A message whose transient failures used every attempt it had: dead-lettered as
 * `RetriesExhausted:<class of the last error>` with that error's message, so DLQ readers see one
 * format whoever gave up (the pipeline at the consumer's limit, a route at the message's own).
 */
export class RetriesExhaustedError extends PermanentError {
  constructor(
    readonly lastError: unknown,
    attempts?: number,
  ) {
    const { errorClass, message } = describeError(lastError);
    super(attempts === undefined ? message : `${message} (gave up after ${attempts} attempts)`);
    this.name = `RetriesExhausted:${errorClass}`;
  }
}

/**
 * A transient failure whose cause says when to try again (e.g. a rate limit's retry-after, a
 * lease held by another delivery): the pipeline uses that delay instead of its own backoff, and
 * an effect consumer does not count it as a failed attempt (it is a wait).
 */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * `unavailable`: Postgres cannot be reached. No message is at fault: consumers pause and hand
 * their messages back uncounted (PostgresOutageGate) instead of retrying them into the DLQ.
 */
export type ErrorDisposition = 'permanent' | 'transient' | 'unavailable';

export function classifyError(error: unknown): ErrorDisposition {
  if (error instanceof PermanentError) return 'permanent';
  const database = databaseFailure(error);
  // Postgres refusing the values themselves (class 22) will refuse them on every retry.
  if (database?.kind === 'data') return 'permanent';
  if (database?.kind === 'unavailable') return 'unavailable';
  return 'transient';
}

const DATABASE_ERROR_CLASSES = {
  unavailable: 'DatabaseUnavailableError',
  busy: 'DatabaseBusyError',
  data: 'DatabaseValueError',
} as const;

/** Class and message for logs, spans and DLQ attributes; database errors in one line, without Prisma's source excerpt. */
export function describeError(error: unknown): { errorClass: string; message: string } {
  const database = databaseFailure(error);
  if (database) return { errorClass: DATABASE_ERROR_CLASSES[database.kind], message: database.message };
  if (error instanceof Error) return { errorClass: error.name || error.constructor.name, message: error.message };
  return { errorClass: 'UnknownError', message: String(error) };
}
