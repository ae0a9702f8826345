import { Injectable, Logger } from '@nestjs/common';
import { SpanStatusCode } from '@opentelemetry/api';
import { DeadLetterPublisher } from '../dead-letter.publisher';
import { classifyError, describeError } from '../errors';
import type { DeadLetterFailure } from '../message-route';
import type { ConsumerSettings } from '../queue.options';
import type { FailureDecision } from './failure-decision';
import { logContext, OpenedMessage } from './message-opening';

/** How a failed message ended: dead-lettered, left for a retry, or held because Postgres went away meanwhile. */
export type FailureOutcome =
  { outcome: 'dead_lettered' } | { outcome: 'retry'; delaySeconds: number } | { outcome: 'held'; error: unknown };

/**
 * Carries out a failure decision (see decideFailure): records the error on the message's span and
 * in one log line, then dead-letters it with the reason, after the route's hook (which answers the
 * producer or records the outcome), or returns the retry. Never deletes what could not be
 * dead-lettered: a DLQ or hook that fails leaves the message on the queue for later.
 */
@Injectable()
export class FailureSettler {
  private readonly logger = new Logger(FailureSettler.name);

  constructor(private readonly deadLetters: DeadLetterPublisher) {}

  async settle(
    consumer: ConsumerSettings,
    opened: OpenedMessage<unknown>,
    failure: {
      error: unknown;
      decision: Exclude<FailureDecision, { action: 'hold' }>;
      attempts: number;
      backoffSeconds: number;
    },
    beforeDeadLetter?: (failure: DeadLetterFailure) => Promise<void>,
  ): Promise<FailureOutcome> {
    const { error, decision, attempts } = failure;
    const { errorClass, message: reason } = describeError(error);
    opened.span.recordException(error instanceof Error ? error : new Error(reason));
    opened.span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    opened.span.setAttribute('error.type', errorClass);
    const log = {
      ...logContext(opened),
      receiveCount: opened.receiveCount,
      attempts,
      errorClass,
      error: reason,
      disposition: classifyError(error),
    };

    if (decision.action === 'retry') {
      opened.span.setAttribute('messaging.retry_delay_seconds', decision.delaySeconds);
      this.logger.warn({ msg: 'Message failed; will retry', ...log, retryDelaySeconds: decision.delaySeconds });
      return { outcome: 'retry', delaySeconds: decision.delaySeconds };
    }

    try {
      await beforeDeadLetter?.({ errorClass: decision.errorClass, message: decision.reason, error });
    } catch (hookError) {
      if (classifyError(hookError) === 'unavailable') return { outcome: 'held', error: hookError };
      this.logger.error({
        msg: 'Dead-letter hook failed; message left on the queue',
        ...logContext(opened),
        error: describeError(hookError).message,
      });
      return { outcome: 'retry', delaySeconds: failure.backoffSeconds };
    }
    this.logger.error({
      msg: 'Message dead-lettered',
      ...log,
      ...(decision.retriesExhausted ? { retriesExhausted: true } : {}),
    });
    try {
      await this.deadLetters.publish(consumer, opened.message, {
        errorClass: decision.errorClass,
        message: decision.reason,
        receiveCount: opened.receiveCount,
      });
      return { outcome: 'dead_lettered' };
    } catch (dlqError) {
      // Never delete what could not be dead-lettered: leave it for redelivery (or the redrive policy).
      this.logger.error({
        msg: 'Dead-lettering failed; message left on the queue',
        ...logContext(opened),
        error: describeError(dlqError).message,
      });
      return { outcome: 'retry', delaySeconds: consumer.visibilityTimeout };
    }
  }
}
