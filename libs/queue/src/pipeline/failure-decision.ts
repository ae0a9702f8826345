import { exponentialBackoff } from '../backoff';
import { classifyError, describeError, RetriesExhaustedError, RetryLaterError } from '../errors';
import type { ConsumerSettings } from '../queue.options';

export type FailureDecision =
  /** Never going to succeed, or out of attempts: to the DLQ with this class and reason. */
  | { action: 'dead_letter'; errorClass: string; reason: string; retriesExhausted: boolean }
  /** Back on the queue, invisible for this long. */
  | { action: 'retry'; delaySeconds: number }
  /** A dependency (Postgres) is down, no fault of the message's: handed back uncounted, consumers pause. */
  | { action: 'hold' };

export interface FailureFacts {
  error: unknown;
  /**
   * Failed attempts so far, this one included: counted by the pipeline for effect
   * consumers (waits excluded), SQS's receive count for batch consumers.
   */
  attempts: number;
  receiveCount: number;
  consumer: Pick<
    ConsumerSettings,
    'maxAttempts' | 'maxReceiveCount' | 'retryBaseDelaySeconds' | 'retryMaxDelaySeconds'
  >;
}

/**
 * What to do with a message whose handling failed, from the error alone and the counts: pure,
 * so every rule is tested on its own (failure-decision.spec.ts).
 *
 * - Postgres unreachable → hold, whatever the counts (an outage is nobody's attempt).
 * - A permanent error → dead-letter with its class.
 * - Out of attempts (`maxAttempts`, else the receive limit), or at the redrive policy's last
 *   receive (the consumer's last chance to attach the reason) → dead-letter as
 *   `RetriesExhausted:<class>`.
 * - Otherwise retry: after the dependency's own retry-after (a rate limit) or with exponential
 *   backoff by attempt, capped.
 */
export function decideFailure({ error, attempts, receiveCount, consumer }: FailureFacts): FailureDecision {
  const disposition = classifyError(error);
  if (disposition === 'unavailable') return { action: 'hold' };
  const { errorClass, message } = describeError(error);
  if (disposition === 'permanent')
    return { action: 'dead_letter', errorClass, reason: message, retriesExhausted: false };
  const exhausted =
    attempts >= (consumer.maxAttempts ?? consumer.maxReceiveCount) || receiveCount >= consumer.maxReceiveCount;
  if (exhausted) {
    const gaveUp = new RetriesExhaustedError(error);
    return { action: 'dead_letter', errorClass: gaveUp.name, reason: gaveUp.message, retriesExhausted: true };
  }
  if (error instanceof RetryLaterError) {
    return {
      action: 'retry',
      delaySeconds: Math.min(consumer.retryMaxDelaySeconds, Math.max(1, Math.ceil(error.retryAfterSeconds))),
    };
  }
  return { action: 'retry', delaySeconds: backoffSeconds(attempts, consumer) };
}

/** The backoff after `attempts` failed attempts: the base after the first, doubling, capped. */
export function backoffSeconds(attempts: number, consumer: FailureFacts['consumer']): number {
  return exponentialBackoff(attempts - 1, consumer.retryBaseDelaySeconds, consumer.retryMaxDelaySeconds);
}
