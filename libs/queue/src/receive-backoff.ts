import type { Logger } from '@nestjs/common';
import type { Consumer } from 'sqs-consumer';
import { exponentialBackoff } from './backoff';
import { describeError } from './errors';

const MAX_WAIT_MS = 30_000;
const LOG_EVERY_MS = 60_000;

/**
 * sqs-consumer polls again at once after a failed receive (only credential errors pause it):
 * while SQS is unreachable that is a hot loop filling the log. This backs the consumer's own
 * polling pause off exponentially (1 s, 2 s … 30 s), logs the first failure and then once a
 * minute, and resets both at the first receive that works.
 */
export function backOffFailedReceives(name: string, consumer: Consumer, logger: Logger): void {
  let failures = 0;
  let loggedAt = 0;
  consumer.on('error', (error: Error, message: unknown) => {
    if (message !== undefined) {
      // A delete or visibility change for messages in hand; not a receive.
      logger.error({ msg: 'SQS consumer error', consumer: name, error: describeError(error).message });
      return;
    }
    failures += 1;
    const waitMs = exponentialBackoff(failures - 1, 1000, MAX_WAIT_MS);
    consumer.updateOption('pollingWaitTimeMs', waitMs);
    if (failures === 1 || Date.now() - loggedAt >= LOG_EVERY_MS) {
      loggedAt = Date.now();
      logger.error({
        msg: 'SQS receive failed; polling backs off until it works again',
        consumer: name,
        failures,
        nextPollInMs: waitMs,
        error: describeError(error).message,
      });
    }
  });
  const recovered = () => {
    if (failures === 0) return;
    logger.log({ msg: 'SQS receives work again', consumer: name, failedReceives: failures });
    failures = 0;
    consumer.updateOption('pollingWaitTimeMs', 0);
  };
  consumer.on('empty', recovered);
  consumer.on('response_processed', recovered);
}
