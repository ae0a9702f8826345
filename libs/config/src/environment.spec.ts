import { validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  const base = { DATABASE_URL: 'postgresql://localhost/db', AWS_SQS_QUEUE_URL: 'http://localhost:4566/000000000000/prizes' };

  it('applies the spec defaults', () => {
    const env = validateEnvironment(base);
    expect(env).toMatchObject({
      AWS_SQS_ENABLED: true,
      SQS_BATCH_SIZE: 5,
      SQS_WAIT_TIME_SECONDS: 5,
      SQS_VISIBILITY_TIMEOUT: 30,
      SQS_MAX_RECEIVE_COUNT: 3,
    });
  });

  it('parses numbers and booleans from strings', () => {
    const env = validateEnvironment({ ...base, SQS_BATCH_SIZE: '10', AWS_SQS_ENABLED: 'false' });
    expect(env.SQS_BATCH_SIZE).toBe(10);
    expect(env.AWS_SQS_ENABLED).toBe(false);
  });

  it('names every missing or bad setting in one message', () => {
    expect(() => validateEnvironment({ SQS_BATCH_SIZE: '11', AWS_SQS_ENABLED: 'maybe' })).toThrow(
      /DATABASE_URL \(missing\)[\s\S]*SQS_BATCH_SIZE \(invalid\)/,
    );
  });

  it('requires the queue URL only while the consumer is enabled', () => {
    expect(() => validateEnvironment({ DATABASE_URL: 'postgresql://x/y' })).toThrow(/AWS_SQS_QUEUE_URL \(missing\)/);
    expect(validateEnvironment({ DATABASE_URL: 'postgresql://x/y', AWS_SQS_ENABLED: 'false' }).AWS_SQS_QUEUE_URL).toBeUndefined();
  });
});
