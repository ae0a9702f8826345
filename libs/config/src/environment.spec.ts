import { validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  const base = { DATABASE_URL: 'postgresql://localhost/db', AWS_SQS_QUEUE_URL: 'http://localhost:4566/000000000000/prizes', WORKER_CONSUMERS: 'prize-distribution' };
  const queue = (name: string) => `http://localhost:4566/000000000000/${name}`;

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

  it('requires what each listed consumer needs, by name', () => {
    const discord = () => validateEnvironment({ ...base, WORKER_CONSUMERS: 'discord' });
    expect(discord).toThrow(/DISCORD_QUEUE_URL \(missing\)[\s\S]*BACKEND_QUEUE_URL \(missing\)[\s\S]*DISCORD_BOT_TOKEN \(missing\)/);
    expect(() => validateEnvironment({ ...base, WORKER_CONSUMERS: 'bot-operations', DISCORD_BOT_TOKEN: 't', BOT_OPERATIONS_QUEUE_URL: queue('ops') })).toThrow(
      /BOT_OPERATIONS_QUEUE_URL \(invalid\): .*FIFO/,
    );
    const env = validateEnvironment({ ...base, WORKER_CONSUMERS: 'discord, bot-operations', DISCORD_BOT_TOKEN: 't', DISCORD_QUEUE_URL: queue('d'), BACKEND_QUEUE_URL: queue('b'), BOT_OPERATIONS_QUEUE_URL: queue('ops.fifo') });
    expect(env.WORKER_CONSUMERS).toEqual(['discord', 'bot-operations']);
    expect(env.consumes('discord')).toBe(true);
    expect(env.consumes('prize-distribution')).toBe(false);
    expect(env).toMatchObject({ DISCORD_QUEUE_BATCH_SIZE: 10, DISCORD_QUEUE_WAIT_TIME_SECONDS: 20, BOT_OPERATIONS_MAX_ATTEMPTS: 8, BOT_OPERATIONS_RETRY_BASE_SECONDS: 1, BOT_OPERATIONS_RETRY_MAX_SECONDS: 900 });
  });

  it('requires a FIFO campaign queue and the bot token for the campaign consumer, and the queue for the interactions endpoint', () => {
    expect(() => validateEnvironment({ ...base, WORKER_CONSUMERS: 'campaign' })).toThrow(/CAMPAIGN_QUEUE_URL \(missing\)[\s\S]*DISCORD_BOT_TOKEN \(missing\)/);
    expect(() => validateEnvironment({ ...base, WORKER_CONSUMERS: 'campaign', DISCORD_BOT_TOKEN: 't', CAMPAIGN_QUEUE_URL: queue('campaigns') })).toThrow(
      /CAMPAIGN_QUEUE_URL \(invalid\): .*FIFO/,
    );
    const api = { DATABASE_URL: 'postgresql://x/y', WORKER_CONSUMERS: '' };
    const publicKey = 'ab'.repeat(32);
    expect(() => validateEnvironment({ ...api, DISCORD_PUBLIC_KEY: publicKey })).toThrow(/CAMPAIGN_QUEUE_URL \(missing\)/);
    expect(() => validateEnvironment({ ...api, DISCORD_PUBLIC_KEY: 'not-hex', CAMPAIGN_QUEUE_URL: queue('c.fifo') })).toThrow(/DISCORD_PUBLIC_KEY \(invalid\): .*64 hex digits/);
    expect(validateEnvironment({ ...api, DISCORD_PUBLIC_KEY: '' }).DISCORD_PUBLIC_KEY).toBeUndefined(); // `KEY=` in a compose file: off
    // The API reads the server's roles from Discord for /add-campaign: it needs the bot token.
    expect(() => validateEnvironment({ ...api, DISCORD_PUBLIC_KEY: publicKey, CAMPAIGN_QUEUE_URL: queue('c.fifo') })).toThrow(/DISCORD_BOT_TOKEN \(missing\): .*DISCORD_PUBLIC_KEY is set/);
    const env = validateEnvironment({ ...api, DISCORD_PUBLIC_KEY: publicKey, CAMPAIGN_QUEUE_URL: queue('c.fifo'), DISCORD_BOT_TOKEN: 't' });
    expect(env).toMatchObject({ CAMPAIGN_MAX_ATTEMPTS: 5, CAMPAIGN_MAX_RECEIVE_COUNT: 20, CAMPAIGN_TOKEN_LIFETIME_SECONDS: 840, CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD: 3 });
    expect(() => validateEnvironment({ ...api, CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD: '0' })).toThrow(/CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD/);
  });

  it('runs the relay only when listed, with its configuration file, whether SQS is enabled or not', () => {
    expect(validateEnvironment(base).consumes('relay')).toBe(false);
    expect(() => validateEnvironment({ ...base, WORKER_CONSUMERS: 'relay' })).toThrow(/RELAY_CONFIG \(missing\)/);
    const env = validateEnvironment({ DATABASE_URL: 'postgresql://x/y', WORKER_CONSUMERS: 'relay', RELAY_CONFIG: '/etc/relay.yaml', AWS_SQS_ENABLED: 'false' });
    expect(env.consumes('relay')).toBe(true);
    expect(env).toMatchObject({ RELAY_BACKFILL_MAX_MESSAGES: 500, RELAY_RATE_LIMIT_PER_MINUTE: 1200, RELAY_RETENTION_HOURS: 24 });
  });

  it('rejects unknown consumers and needs nothing when none runs (the API app)', () => {
    expect(() => validateEnvironment({ ...base, WORKER_CONSUMERS: 'prizes' })).toThrow(/WORKER_CONSUMERS \(invalid\)/);
    expect(validateEnvironment({ DATABASE_URL: 'postgresql://x/y', WORKER_CONSUMERS: '' }).WORKER_CONSUMERS).toEqual([]);
  });

  it('refuses API_AUTH=disabled with NODE_ENV=production (issue 16, item 4)', () => {
    expect(() => validateEnvironment({ ...base, NODE_ENV: 'production', API_AUTH: 'disabled' })).toThrow(/API_AUTH \(invalid\): .*NODE_ENV=production/);
    expect(validateEnvironment({ ...base, NODE_ENV: 'development', API_AUTH: 'disabled' }).API_AUTH).toBe('disabled');
    expect(validateEnvironment({ ...base, NODE_ENV: 'production' }).API_AUTH).toBe('enabled');
  });
});
