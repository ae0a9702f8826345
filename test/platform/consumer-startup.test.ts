import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadEnvironment } from '@discord-backbone/config';
import { QueueName } from '@discord-backbone/contracts';
import { QueueModule } from '@discord-backbone/queue';
import { platformModules } from '@discord-backbone/runtime';
import { useTestInfra } from '../support/infra';
import { createSystemQueue } from '../support/sqs';
import { startWorker, workerEnv } from '../support/worker';

describe('consumer start-up', () => {
  const { sqs } = useTestInfra();

  it('refuses to start a consumer whose handler is not registered, instead of never polling its queue', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const env = loadEnvironment(workerEnv(queues));
    // The prize consumer's settings, but not its module (PrizesModule in the consumer role) and so no @SqsMessageHandler.
    @Module({
      imports: [
        ...platformModules(env),
        QueueModule.forRootAsync({
          useFactory: () => ({
            shutdownDrainTimeoutMs: 1000,
            consumers: [
              {
                name: QueueName.PRIZE_DISTRIBUTION,
                queueUrl: queues.queueUrl,
                batchSize: 1,
                waitTimeSeconds: 1,
                visibilityTimeout: 30,
                maxReceiveCount: 3,
                retryBaseDelaySeconds: 1,
                retryMaxDelaySeconds: 10,
              },
            ],
          }),
        }),
      ],
    })
    class WithoutHandler {}
    const app = await NestFactory.create(WithoutHandler, { logger: false, abortOnError: false });
    await expect(app.init()).rejects.toThrow(
      /No @SqsMessageHandler is registered for consumer\(s\) prize-distribution/,
    );
    await app.close();
  });

  it('refuses to start when the dead-letter queue setting names the consumed queue itself', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    await expect(startWorker(queues, { AWS_SQS_DLQ_URL: `${queues.queueUrl}/` })).rejects.toThrow(
      `AWS_SQS_DLQ_URL is the prize-distribution queue itself (${queues.queueUrl}/): set it to that queue's dead-letter queue`,
    );
    // Another spelling of the same queue (the host SQS itself returns in queue URLs): one ARN, refused all the same.
    const sameQueue = new URL(queues.queueUrl);
    sameQueue.hostname = 'sqs.us-east-1.localhost';
    await expect(startWorker(queues, { AWS_SQS_DLQ_URL: sameQueue.toString() })).rejects.toThrow(
      /AWS_SQS_DLQ_URL is the prize-distribution queue itself/,
    );
  });
});
