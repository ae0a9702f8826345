import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { SQS_CLIENT } from '@discord-backbone/queue';

/**
 * Ready when every given queue answers GetQueueAttributes (reachable, exists, allowed). The
 * answer is up or down only: AWS error texts name accounts, roles and queue ARNs, so the reason
 * goes to the log, not to whoever calls the open health endpoint.
 */
@Injectable()
export class SqsHealthIndicator {
  private readonly logger = new Logger(SqsHealthIndicator.name);

  constructor(
    @Inject(SQS_CLIENT) private readonly sqs: SQSClient,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key: string, queueUrls: string[]) {
    const session = this.health.check(key);
    try {
      await Promise.all(
        queueUrls.map((url) =>
          this.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
            { abortSignal: AbortSignal.timeout(3000) },
          ),
        ),
      );
      return session.up();
    } catch (error) {
      this.logger.warn({
        msg: 'Readiness: SQS check failed',
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return session.down();
    }
  }
}
