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
