import { validateEnvironment } from './validate-environment';

describe('validateEnvironment', () => {
  const base = {
    DATABASE_URL: 'postgresql://localhost/db',
    AWS_SQS_QUEUE_URL: 'http://localhost:4566/000000000000/prizes',
    WORKER_CONSUMERS: 'prize-distribution',
  };
  const queue = (name: string) => `http://localhost:4566/000000000000/${name}`;

  it('applies the spec defaults', () => {
    const env = validateEnvironment(base);
    expect(env.AWS_SQS_ENABLED).toBe(true);
    expect(env.queues['prize-distribution']).toMatchObject({
      batchSize: 5,
      waitTimeSeconds: 5,
      visibilityTimeout: 30,
      maxReceiveCount: 3,
    });
  });

  it("takes the host's table names as `table` or `schema.table`, and names a bad one", () => {
    const env = validateEnvironment({
      ...base,
      HOST_USERS_TABLE: 'market.discord_accounts',
      HOST_SUBSCRIPTIONS_TABLE: 'Memberships',
      HOST_CHARACTERS_TABLE: '',
    });
    expect(env).toMatchObject({
      HOST_USERS_TABLE: 'market.discord_accounts',
      HOST_SUBSCRIPTIONS_TABLE: 'Memberships',
      HOST_CHARACTERS_TABLE: undefined,
      HOST_COMMUNITIES_TABLE: undefined,
    });
    expect(() => validateEnvironment({ ...base, HOST_ITEM_HOLDINGS_TABLE: 'a.b.c' })).toThrow(
      /HOST_ITEM_HOLDINGS_TABLE \(invalid\): HOST_ITEM_HOLDINGS_TABLE must be a table name/,
    );
  });

  it('parses numbers and booleans from strings', () => {
    const env = validateEnvironment({ ...base, PRIZE_DISTRIBUTION_QUEUE_BATCH_SIZE: '10', AWS_SQS_ENABLED: 'false' });
    expect(env.queues['prize-distribution'].batchSize).toBe(10);
    expect(env.AWS_SQS_ENABLED).toBe(false);
  });

  it('names every missing or bad setting in one message', () => {
    const invalid = () =>
      validateEnvironment({ SQS_BATCH_SIZE: '11', AWS_SQS_ENABLED: 'maybe', DISCORD_QUEUE_URL: 'not a url' });
    expect(invalid).toThrow(/DATABASE_URL \(missing\)/);
    expect(invalid).toThrow(/AWS_SQS_ENABLED \(invalid\)/);
    expect(invalid).toThrow(/SQS_BATCH_SIZE \(invalid\): must be an integer from 1 to 10/);
    expect(invalid).toThrow(/DISCORD_QUEUE_URL \(invalid\): must be a queue URL/);
  });

  it('requires the queue URL only while the consumer is enabled', () => {
    expect(() => validateEnvironment({ DATABASE_URL: 'postgresql://x/y' })).toThrow(
      /PRIZE_DISTRIBUTION_QUEUE_URL \(missing\): .*required while the prize-distribution consumer runs \(also read as AWS_SQS_QUEUE_URL\)/,
    );
    expect(
      validateEnvironment({ DATABASE_URL: 'postgresql://x/y', AWS_SQS_ENABLED: 'false' }).queues['prize-distribution']
        .queueUrl,
    ).toBeUndefined();
  });

  it('reads every per-queue setting under the <QUEUE>_QUEUE_<SETTING> scheme or its older name', () => {
    const env = validateEnvironment({
      ...base,
      AWS_SQS_QUEUE_URL: undefined,
      PRIZE_DISTRIBUTION_QUEUE_URL: queue('prizes'),
      AWS_SQS_DLQ_URL: queue('prizes-dlq'),
      BOT_OPERATIONS_DLQ_URL: queue('ops-dlq.fifo'),
      BOT_OPERATIONS_QUEUE_MAX_ATTEMPTS: '4',
      CAMPAIGN_WAIT_TIME_SECONDS: '2',
      SQS_VISIBILITY_TIMEOUT: '60',
      DISCORD_QUEUE_VISIBILITY_TIMEOUT_SECONDS: '60',
      BACKEND_QUEUE_CONCURRENCY: '2',
    });
    expect(env.queues['prize-distribution']).toMatchObject({
      queueUrl: queue('prizes'),
      deadLetterQueueUrl: queue('prizes-dlq'),
      visibilityTimeout: 60,
    });
    expect(env.queues['prize-distribution'].settingNames).toMatchObject({
      queueUrl: 'PRIZE_DISTRIBUTION_QUEUE_URL',
      deadLetterQueueUrl: 'AWS_SQS_DLQ_URL',
    });
    expect(env.queues['bot-operations']).toMatchObject({
      deadLetterQueueUrl: queue('ops-dlq.fifo'),
      maxAttempts: 4,
      visibilityTimeout: 60,
    });
    expect(env.queues.campaign).toMatchObject({ waitTimeSeconds: 2, batchSize: 10, visibilityTimeout: 60 });
    // The old shared SQS_* names set the queues they always set, and only those.
    expect(env.queues.backend).toMatchObject({ concurrency: 2, waitTimeSeconds: 5, visibilityTimeout: 60 });
    expect(env.queues.discord).toMatchObject({ waitTimeSeconds: 20, maxReceiveCount: 20, visibilityTimeout: 60 });
    expect(validateEnvironment({ ...base, SQS_MAX_RECEIVE_COUNT: '5' }).queues).toMatchObject({
      'prize-distribution': { maxReceiveCount: 5 },
      backend: { maxReceiveCount: 5 },
      discord: { maxReceiveCount: 20 },
    });
  });

  it('refuses a setting given under two names with different values, naming both and neither value', () => {
    const secretish = 'http://user:hunter2@localhost:4566/000000000000/prizes';
    const both = () => validateEnvironment({ ...base, PRIZE_DISTRIBUTION_QUEUE_URL: secretish });
    expect(both).toThrow(
      /PRIZE_DISTRIBUTION_QUEUE_URL and AWS_SQS_QUEUE_URL \(conflict\): .*set PRIZE_DISTRIBUTION_QUEUE_URL only/,
    );
    expect(both).not.toThrow(/hunter2|prizes/);
    expect(() =>
      validateEnvironment({ ...base, SQS_VISIBILITY_TIMEOUT: '60', DISCORD_QUEUE_VISIBILITY_TIMEOUT_SECONDS: '90' }),
    ).toThrow(/DISCORD_QUEUE_VISIBILITY_TIMEOUT_SECONDS and SQS_VISIBILITY_TIMEOUT \(conflict\)/);
    // The same value under both names is one setting, not a conflict.
    expect(
      validateEnvironment({ ...base, PRIZE_DISTRIBUTION_QUEUE_URL: base.AWS_SQS_QUEUE_URL }).queues[
        'prize-distribution'
      ].queueUrl,
    ).toBe(base.AWS_SQS_QUEUE_URL);
  });

  it('requires what each listed consumer needs, by name', () => {
    const discord = () => validateEnvironment({ ...base, WORKER_CONSUMERS: 'discord' });
    expect(discord).toThrow(/DISCORD_QUEUE_URL \(missing\)[\s\S]*BACKEND_QUEUE_URL \(missing\): .*it answers there/);
    expect(discord).toThrow(/DISCORD_BOT_TOKEN \(missing\)/);
    expect(() =>
      validateEnvironment({
        ...base,
        WORKER_CONSUMERS: 'bot-operations',
        DISCORD_BOT_TOKEN: 't',
        BOT_OPERATIONS_QUEUE_URL: queue('ops'),
      }),
    ).toThrow(/BOT_OPERATIONS_QUEUE_URL \(invalid\): .*FIFO/);
    const env = validateEnvironment({
      ...base,
      WORKER_CONSUMERS: 'discord, bot-operations',
      DISCORD_BOT_TOKEN: 't',
      DISCORD_QUEUE_URL: queue('d'),
      BACKEND_QUEUE_URL: queue('b'),
      BOT_OPERATIONS_QUEUE_URL: queue('ops.fifo'),
    });
    expect(env.WORKER_CONSUMERS).toEqual(['discord', 'bot-operations']);
    expect(env.consumes('discord')).toBe(true);
    expect(env.consumes('prize-distribution')).toBe(false);
    expect(env.queues).toMatchObject({
      discord: { batchSize: 10, waitTimeSeconds: 20 },
      'bot-operations': { maxAttempts: 8, retryBaseDelaySeconds: 1, retryMaxDelaySeconds: 900 },
    });
  });

  it('requires a FIFO campaign queue and the bot token for the campaign consumer, and the queue for the interactions endpoint', () => {
    expect(() => validateEnvironment({ ...base, WORKER_CONSUMERS: 'campaign' })).toThrow(
      /CAMPAIGN_QUEUE_URL \(missing\)/,
    );
    expect(() => validateEnvironment({ ...base, WORKER_CONSUMERS: 'campaign' })).toThrow(
      /DISCORD_BOT_TOKEN \(missing\)/,
    );
    expect(() =>
      validateEnvironment({
        ...base,
        WORKER_CONSUMERS: 'campaign',
        DISCORD_BOT_TOKEN: 't',
        CAMPAIGN_QUEUE_URL: queue('campaigns'),
      }),
    ).toThrow(/CAMPAIGN_QUEUE_URL \(invalid\): .*FIFO/);
    const api = { DATABASE_URL: 'postgresql://x/y', WORKER_CONSUMERS: '' };
    const publicKey = 'ab'.repeat(32);
    expect(() => validateEnvironment({ ...api, DISCORD_PUBLIC_KEY: publicKey })).toThrow(
      /CAMPAIGN_QUEUE_URL \(missing\)/,
    );
    expect(() =>
      validateEnvironment({ ...api, DISCORD_PUBLIC_KEY: 'not-hex', CAMPAIGN_QUEUE_URL: queue('c.fifo') }),
    ).toThrow(/DISCORD_PUBLIC_KEY \(invalid\): .*64 hex digits/);
    expect(validateEnvironment({ ...api, DISCORD_PUBLIC_KEY: '' }).DISCORD_PUBLIC_KEY).toBeUndefined(); // `KEY=` in a compose file: off
    // The API reads the server's roles from Discord for /add-campaign: it needs the bot token.
    expect(() =>
      validateEnvironment({ ...api, DISCORD_PUBLIC_KEY: publicKey, CAMPAIGN_QUEUE_URL: queue('c.fifo') }),
    ).toThrow(/DISCORD_BOT_TOKEN \(missing\): .*DISCORD_PUBLIC_KEY is set/);
    const env = validateEnvironment({
      ...api,
      DISCORD_PUBLIC_KEY: publicKey,
      CAMPAIGN_QUEUE_URL: queue('c.fifo'),
      DISCORD_BOT_TOKEN: 't',
    });
    expect(env).toMatchObject({ CAMPAIGN_TOKEN_LIFETIME_SECONDS: 840, CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD: 3 });
    expect(env.queues.campaign).toMatchObject({ maxAttempts: 5, maxReceiveCount: 20 });
    expect(() => validateEnvironment({ ...api, CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD: '0' })).toThrow(
      /CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD/,
    );
  });

  it('runs the relay only when listed, with its configuration file, whether SQS is enabled or not', () => {
    expect(validateEnvironment(base).consumes('relay')).toBe(false);
    expect(() => validateEnvironment({ ...base, WORKER_CONSUMERS: 'relay' })).toThrow(/RELAY_CONFIG \(missing\)/);
    const env = validateEnvironment({
      DATABASE_URL: 'postgresql://x/y',
      WORKER_CONSUMERS: 'relay',
      RELAY_CONFIG: '/etc/relay.yaml',
      AWS_SQS_ENABLED: 'false',
    });
    expect(env.consumes('relay')).toBe(true);
    expect(env).toMatchObject({
      RELAY_BACKFILL_MAX_MESSAGES: 500,
      RELAY_RATE_LIMIT_PER_MINUTE: 1200,
      RELAY_RETENTION_HOURS: 24,
    });
  });

  it('rejects unknown consumers and needs nothing when none runs (the API app)', () => {
    expect(() => validateEnvironment({ ...base, WORKER_CONSUMERS: 'prizes' })).toThrow(/WORKER_CONSUMERS \(invalid\)/);
    expect(validateEnvironment({ DATABASE_URL: 'postgresql://x/y', WORKER_CONSUMERS: '' }).WORKER_CONSUMERS).toEqual(
      [],
    );
  });

  it('refuses API_AUTH=disabled with NODE_ENV=production (issue 16, item 4)', () => {
    expect(() => validateEnvironment({ ...base, NODE_ENV: 'production', API_AUTH: 'disabled' })).toThrow(
      /API_AUTH \(invalid\): .*NODE_ENV=production/,
    );
    expect(validateEnvironment({ ...base, NODE_ENV: 'development', API_AUTH: 'disabled' }).API_AUTH).toBe('disabled');
    expect(validateEnvironment({ ...base, NODE_ENV: 'production' }).API_AUTH).toBe('enabled');
  });
});
