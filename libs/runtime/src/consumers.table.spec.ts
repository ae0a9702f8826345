import { validateEnvironment } from '@discord-backbone/config';
import { QUEUE_NAMES, QueueName, queueSettingName } from '@discord-backbone/contracts';
import { apiQueueUrls, consumersFor, outboxDestinations } from './consumers.table';

describe('what the apps derive from the queue table', () => {
  const url = (name: string) => `http://localhost:4566/000000000000/${name}`;
  const fifo = (name: QueueName) => (name === 'bot-operations' || name === 'campaign' ? '.fifo' : '');
  /** Every queue and its DLQ set under the scheme's names. */
  const everyQueue = Object.fromEntries(
    QUEUE_NAMES.flatMap((name) => [
      [queueSettingName(name, 'queueUrl'), url(`${name}${fifo(name)}`)],
      [queueSettingName(name, 'deadLetterQueueUrl'), url(`${name}-dlq${fifo(name)}`)],
    ]),
  );
  const worker = validateEnvironment({
    DATABASE_URL: 'postgresql://localhost/db',
    DISCORD_BOT_TOKEN: 'token',
    ...everyQueue,
  });
  const api = validateEnvironment({ DATABASE_URL: 'postgresql://localhost/db', WORKER_CONSUMERS: '', ...everyQueue });

  it("runs every worker queue's consumer in the worker and the answers' consumer in the API, each on its own queue and DLQ", () => {
    expect(consumersFor('worker', worker).settings.map((s) => [s.name, s.queueUrl, s.deadLetterQueueUrl])).toEqual([
      ['prize-distribution', url('prize-distribution'), url('prize-distribution-dlq')],
      ['discord', url('discord'), url('discord-dlq')],
      ['bot-operations', url('bot-operations.fifo'), url('bot-operations-dlq.fifo')],
      ['campaign', url('campaign.fifo'), url('campaign-dlq.fifo')],
    ]);
    expect(consumersFor('worker', worker).usesDiscord).toBe(true);
    expect(consumersFor('api', api).settings.map((s) => s.name)).toEqual(['backend']);
    expect(
      consumersFor('api', validateEnvironment({ DATABASE_URL: 'postgresql://x/y', WORKER_CONSUMERS: '' })).settings,
    ).toEqual([]);
  });

  it("gives each consumer the table's tuning and only the settings its kind reads", () => {
    const [prizes, discord] = consumersFor('worker', worker).settings;
    expect(prizes).toMatchObject({
      batchSize: 5,
      waitTimeSeconds: 5,
      visibilityTimeout: 30,
      maxReceiveCount: 3,
      concurrency: 4,
    });
    expect(prizes).not.toHaveProperty('maxAttempts');
    expect(discord).toMatchObject({ batchSize: 10, waitTimeSeconds: 20, maxAttempts: 3, maxReceiveCount: 20 });
    expect(discord).not.toHaveProperty('concurrency');
  });

  it('names the DLQ setting an operator actually set in start-up errors', () => {
    const env = validateEnvironment({
      DATABASE_URL: 'postgresql://x/y',
      WORKER_CONSUMERS: 'prize-distribution',
      AWS_SQS_QUEUE_URL: url('p'),
      AWS_SQS_DLQ_URL: url('p-dlq'),
    });
    expect(consumersFor('worker', env).settings[0].deadLetterQueueUrlSetting).toBe('AWS_SQS_DLQ_URL');
    expect(consumersFor('worker', worker).settings[0].deadLetterQueueUrlSetting).toBe(
      'PRIZE_DISTRIBUTION_QUEUE_DLQ_URL',
    );
  });

  it("sends through the API's outbox to the queues the API sends to, and checks every queue the API uses", () => {
    expect(outboxDestinations(api)).toEqual({
      discord: url('discord'),
      'bot-operations': url('bot-operations.fifo'),
      campaign: url('campaign.fifo'),
    });
    expect(apiQueueUrls(api)).toEqual([
      url('discord'),
      url('backend'),
      url('bot-operations.fifo'),
      url('campaign.fifo'),
    ]);
  });
});
