import { SYSTEM_QUEUES, validateEnvironment } from '@discord-backbone/config';
import { CONSUMERS } from './consumers.table';

describe('SYSTEM_QUEUES', () => {
  it('names the very settings each consumer reads its queue and DLQ from', () => {
    const urls: Record<string, string> = {};
    for (const location of Object.values(SYSTEM_QUEUES)) {
      for (const setting of [location.queueUrlSetting, location.deadLetterQueueUrlSetting]) urls[setting] = `http://localhost:4566/000000000000/${setting.toLowerCase()}.fifo`;
    }
    const env = validateEnvironment({ DATABASE_URL: 'postgresql://localhost/db', DISCORD_BOT_TOKEN: 'token', ...urls });

    expect(Object.keys(SYSTEM_QUEUES).sort()).toEqual(Object.keys(CONSUMERS).sort());
    for (const [name, consumer] of Object.entries(CONSUMERS)) {
      const { queueUrlSetting, deadLetterQueueUrlSetting } = SYSTEM_QUEUES[name as keyof typeof SYSTEM_QUEUES];
      expect(consumer.settings(env)).toMatchObject({ name, queueUrl: urls[queueUrlSetting], deadLetterQueueUrl: urls[deadLetterQueueUrlSetting] });
    }
  });
});
