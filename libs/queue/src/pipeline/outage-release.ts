import { Message, MessageAttributeValue, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { MessageAttribute } from '@discord-backbone/contracts';
import { describeError } from '../errors';
import { PostgresOutageGate } from '../postgres-outage.gate';
import { ConsumerSettings, SQS_CLIENT } from '../queue.options';
import type { InFlightBatch } from './in-flight.registry';
import type { OpenedMessage } from './message-opening';

/** Visibility of a message handed back during a Postgres outage: the consumers are paused meanwhile anyway. */
const OUTAGE_HOLD_SECONDS = 10;

/**
 * Hands messages back while Postgres is unreachable, without counting an attempt, and pauses the
 * consumers (PostgresOutageGate). A message whose next receive would exceed the redrive policy's
 * count (SQS would then move it to the DLQ without a reason, though it is not at fault) is sent
 * again as a fresh copy carrying its original message id, which keeps its idempotency key; the
 * original is then deleted. FIFO queues keep theirs: a copy would leave its group's order.
 */
@Injectable()
export class OutageRelease {
  private readonly logger = new Logger(OutageRelease.name);

  constructor(
    @Inject(SQS_CLIENT) private readonly sqs: SQSClient,
    private readonly gate: PostgresOutageGate,
  ) {}

  /** Returns the messages that were requeued as copies: to be deleted. */
  async hold(
    error: unknown,
    batch: InFlightBatch,
    consumer: ConsumerSettings,
    held: OpenedMessage<unknown>[],
  ): Promise<Set<Message>> {
    this.gate.reportUnavailable(error);
    const requeued = new Set<Message>();
    const back: Message[] = [];
    const fifo = consumer.queueUrl.endsWith('.fifo');
    for (const opened of held) {
      opened.span.setAttribute('messaging.held_for_outage', true);
      if (opened.receiveCount >= consumer.maxReceiveCount && !fifo && (await this.requeue(consumer, opened))) {
        requeued.add(opened.message);
        batch.settle(opened.message);
      } else {
        back.push(opened.message);
        // Marked at once: a drain while the others are requeued hands it back with this delay too.
        batch.handBackLater(opened.message, OUTAGE_HOLD_SECONDS);
      }
    }
    await batch.handBack(back, OUTAGE_HOLD_SECONDS);
    if (held.length > 0)
      this.logger.warn({
        msg: 'Postgres unreachable: messages handed back uncounted',
        consumer: consumer.name,
        held: back.length,
        requeued: requeued.size,
      });
    return requeued;
  }

  /** Sends the message again unchanged, with its original id; true when SQS took it. */
  private async requeue(consumer: ConsumerSettings, opened: OpenedMessage<unknown>): Promise<boolean> {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [key, value] of Object.entries(opened.message.MessageAttributes ?? {})) {
      attributes[key] = { DataType: value.DataType, StringValue: value.StringValue, BinaryValue: value.BinaryValue };
    }
    attributes[MessageAttribute.ORIGINAL_MESSAGE_ID] = { DataType: 'String', StringValue: opened.originalId };
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: consumer.queueUrl,
          MessageBody: opened.message.Body ?? '',
          MessageAttributes: attributes,
        }),
      );
      return true;
    } catch (error) {
      this.logger.warn({
        msg: 'Could not requeue a message held for a Postgres outage; handing it back instead',
        messageId: opened.message.MessageId,
        error: describeError(error).message,
      });
      return false;
    }
  }
}
