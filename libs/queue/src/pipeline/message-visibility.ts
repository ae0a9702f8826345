import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  Message,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { describeError } from '../errors';
import { ConsumerSettings, SQS_CLIENT } from '../queue.options';

/**
 * The one place the consumers change a message's visibility on SQS: the heartbeat keeping messages
 * in hand invisible, and every hand-back (InFlightBatch.handBack) — a retry's backoff, an outage
 * hold, a message behind a waiting one, shutdown.
 */
@Injectable()
export class MessageVisibility {
  private readonly logger = new Logger(MessageVisibility.name);

  constructor(@Inject(SQS_CLIENT) private readonly sqs: SQSClient) {}

  /**
   * The messages become visible again `seconds` from now (one call: ChangeMessageVisibility for
   * one message, ChangeMessageVisibilityBatch for several). Never throws: at worst a message comes
   * back when its current visibility ends.
   */
  async set(consumer: ConsumerSettings, messages: Message[], seconds: number): Promise<void> {
    if (messages.length === 0) return;
    try {
      if (messages.length === 1) {
        await this.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: consumer.queueUrl,
            ReceiptHandle: messages[0].ReceiptHandle,
            VisibilityTimeout: seconds,
          }),
        );
        return;
      }
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: consumer.queueUrl,
          Entries: messages.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: seconds,
          })),
        }),
      );
    } catch (error) {
      this.logger.warn({
        msg: 'ChangeMessageVisibility failed',
        count: messages.length,
        seconds,
        error: describeError(error).message,
      });
    }
  }
}
