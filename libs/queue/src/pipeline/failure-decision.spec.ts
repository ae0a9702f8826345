import { Prisma } from '@discord-backbone/prisma';
import { MessageValidationError, RetryLaterError } from '../errors';
import { decideFailure } from './failure-decision';

const consumer = { maxReceiveCount: 20, maxAttempts: 3, retryBaseDelaySeconds: 10, retryMaxDelaySeconds: 900 };
const batchConsumer = { maxReceiveCount: 3, retryBaseDelaySeconds: 10, retryMaxDelaySeconds: 900 };
const unreachable = new Prisma.PrismaClientKnownRequestError("Can't reach database server", {
  code: 'P1001',
  clientVersion: '6',
  meta: {},
});

describe('decideFailure', () => {
  it('dead-letters a permanent error at once, with its class', () => {
    expect(
      decideFailure({
        error: new MessageValidationError('quantity must be a positive integer'),
        attempts: 1,
        receiveCount: 1,
        consumer,
      }),
    ).toEqual({
      action: 'dead_letter',
      errorClass: 'MessageValidationError',
      reason: 'quantity must be a positive integer',
      retriesExhausted: false,
    });
  });

  it('retries a transient error with backoff by attempt: 10 s, 20 s, 40 s …, capped', () => {
    const delays = [1, 2].map((attempts) =>
      decideFailure({ error: new Error('ECONNRESET'), attempts, receiveCount: attempts, consumer }),
    );
    expect(delays).toEqual([
      { action: 'retry', delaySeconds: 10 },
      { action: 'retry', delaySeconds: 20 },
    ]);
    expect(
      decideFailure({
        error: new Error('x'),
        attempts: 2,
        receiveCount: 2,
        consumer: { ...consumer, maxAttempts: 50, retryMaxDelaySeconds: 15 },
      }),
    ).toEqual({ action: 'retry', delaySeconds: 15 });
  });

  it('dead-letters as RetriesExhausted once the attempts are used, or at the redrive policy’s last receive', () => {
    expect(decideFailure({ error: new Error('Discord 503'), attempts: 3, receiveCount: 5, consumer })).toMatchObject({
      action: 'dead_letter',
      errorClass: 'RetriesExhausted:Error',
      retriesExhausted: true,
    });
    expect(decideFailure({ error: new Error('x'), attempts: 1, receiveCount: 20, consumer })).toMatchObject({
      action: 'dead_letter',
      errorClass: 'RetriesExhausted:Error',
    });
    // Batch consumers count receives.
    expect(
      decideFailure({ error: new Error('x'), attempts: 3, receiveCount: 3, consumer: batchConsumer }),
    ).toMatchObject({ action: 'dead_letter' });
    expect(decideFailure({ error: new Error('x'), attempts: 2, receiveCount: 2, consumer: batchConsumer })).toEqual({
      action: 'retry',
      delaySeconds: 20,
    });
  });

  it('believes a dependency’s retry-after (rate limits), rounded up and capped', () => {
    expect(decideFailure({ error: new RetryLaterError('429', 2.3), attempts: 0, receiveCount: 4, consumer })).toEqual({
      action: 'retry',
      delaySeconds: 3,
    });
    expect(decideFailure({ error: new RetryLaterError('429', 5000), attempts: 0, receiveCount: 4, consumer })).toEqual({
      action: 'retry',
      delaySeconds: 900,
    });
  });

  it('holds, never dead-letters, while Postgres is unreachable, whatever the counts', () => {
    expect(decideFailure({ error: unreachable, attempts: 99, receiveCount: 99, consumer })).toEqual({ action: 'hold' });
  });
});
