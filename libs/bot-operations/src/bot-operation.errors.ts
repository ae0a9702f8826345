import { describeError, PermanentError } from '@app/queue';

/**
 * The producer refused to queue an operation. Thrown, never returned: a caller that forgets to
 * handle it fails its request (and rolls back its transaction) instead of silently losing the
 * operation, which the spec's "return null on error" allowed.
 */
export class BotOperationRejectedError extends Error {
  constructor(
    message: string,
    /** `invalid`: the operation breaks the contract (a caller's bug or bad input). `not_configured`: no queue to send to. */
    readonly reason: 'invalid' | 'not_configured',
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * An operation kept failing transiently and used the retries it asked for (`maxRetries`).
 * Named like the pipeline's own exhaustion (`RetriesExhausted:<cause>`) so DLQ readers see one format.
 */
export class OperationRetriesExhaustedError extends PermanentError {
  constructor(cause: unknown, attempts: number) {
    const { errorClass, message } = describeError(cause);
    super(`${message} (gave up after ${attempts} attempts)`);
    this.name = `RetriesExhausted:${errorClass}`;
  }
}
