import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { SQS_CLIENT } from '@app/queue';

/** Ready when every given queue answers GetQueueAttributes (reachable, exists, allowed). */
@Injectable()
export class SqsHealthIndicator {
  constructor(
    @Inject(SQS_CLIENT) private readonly sqs: SQSClient,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key: string, queueUrls: string[]) {
    const session = this.health.check(key);
    try {
      const depths: Record<string, string | undefined> = {};
      for (const url of queueUrls) {
        const { Attributes } = await this.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
          { abortSignal: AbortSignal.timeout(3000) },
        );
        depths[url.split('/').pop() ?? url] = Attributes?.ApproximateNumberOfMessages;
      }
      return session.up({ queues: depths });
    } catch (error) {
      return session.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
