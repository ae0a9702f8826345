import { INestApplication } from '@nestjs/common';
import { discordHttpAnswer } from '@discord-backbone/discord';
import { createApp } from '@discord-backbone/runtime';
import { ApiModule } from '../../apps/api/src/api.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { TEST_AUTH_ENV } from './http';
import { QueuePair } from './sqs';

/** Settings for a worker on the test database and fauxqs; fast polling so tests finish quickly. */
export function workerEnv(queues: QueuePair, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: process.env.TEST_DATABASE_URL!,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_SQS: process.env.TEST_SQS_ENDPOINT!,
    WORKER_CONSUMERS: 'prize-distribution',
    AWS_SQS_QUEUE_URL: queues.queueUrl,
    SQS_WAIT_TIME_SECONDS: '1',
    SQS_RETRY_BASE_DELAY_SECONDS: '1',
    ...overrides,
  };
}

/** The real worker module, in this process (no HTTP listener). */
export async function startWorker(
  queues: QueuePair,
  overrides: Record<string, string> = {},
): Promise<INestApplication> {
  const app = await createApp(WorkerModule.forRoot(workerEnv(queues, overrides)), { abortOnError: false });
  await app.init();
  return app;
}

/** The real API module listening on a free port; returns its base URL. */
export async function startApi(
  overrides: Record<string, string> = {},
): Promise<{ app: INestApplication; url: string }> {
  const app = await createApp(
    ApiModule.forRoot({
      ...TEST_AUTH_ENV,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      AWS_ENDPOINT_URL_SQS: process.env.TEST_SQS_ENDPOINT!,
      ...overrides,
    }),
    { abortOnError: false, errorAnswerers: [discordHttpAnswer] },
  );
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}
