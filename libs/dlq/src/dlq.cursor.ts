import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  Message,
  MessageSystemAttributeName,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { OperatorError } from './dlq.errors';

const SYSTEM_ATTRIBUTES: MessageSystemAttributeName[] = ['SentTimestamp', 'MessageGroupId', 'ApproximateReceiveCount'];

/** How long a message read without being moved stays hidden from other readers: a crashed run's messages reappear after this. */
export const PEEK_VISIBILITY_SECONDS = 30;

/** Receives that return only messages already seen (their visibility lapsed) before a pass counts as finished. */
const STALE_RECEIVES = 3;

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/**
 * One pass over a DLQ that never consumes what it does not delete: every message received is
 * kept invisible (for `visibilityTimeout` seconds) while the pass goes on, so later receives
 * reach the messages behind it, and `release()` makes them all visible again at once.
 *
 * A FIFO queue hands out a group's next message only once the earlier ones are deleted: a pass
 * that holds messages sees, per group, what the first receives return (on AWS up to 10 in a row).
 */
export class DlqCursor {
  private readonly seen = new Set<string>();
  /** Message id → the latest receipt handle of a message held (not deleted). */
  private readonly held = new Map<string, string>();

  constructor(
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
    private readonly visibilityTimeout = PEEK_VISIBILITY_SECONDS,
  ) {}

  /**
   * The last `next()` came back empty because receives kept returning messages already seen
   * (held longer than their visibility timeout), not because the queue had nothing more.
   */
  stalled = false;

  /** Messages received so far in this pass. */
  get seenCount(): number {
    return this.seen.size;
  }

  /** Up to `max` messages not seen before in this pass; empty once the queue has nothing new (or the pass `stalled`). */
  async next(max = 10): Promise<Message[]> {
    this.stalled = false;
    for (let attempt = 0; attempt < STALE_RECEIVES; attempt++) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: max,
          // A long poll asks every SQS server, so an empty answer means empty.
          WaitTimeSeconds: 1,
          VisibilityTimeout: this.visibilityTimeout,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: SYSTEM_ATTRIBUTES,
        }),
      );
      if (Messages.length === 0) return [];
      const fresh: Message[] = [];
      for (const message of Messages) {
        const id = message.MessageId ?? '';
        if (this.seen.has(id))
          this.held.set(id, message.ReceiptHandle ?? ''); // back after its visibility lapsed: still ours to release
        else {
          this.seen.add(id);
          fresh.push(message);
        }
      }
      if (fresh.length > 0) return fresh;
    }
    this.stalled = true;
    return [];
  }

  /** Keeps messages invisible until `release()`. */
  hold(messages: Message[]): void {
    for (const message of messages) this.held.set(message.MessageId ?? '', message.ReceiptHandle ?? '');
  }

  /** Deletes messages for good (after they were sent elsewhere); throws if SQS refuses any. */
  async delete(messages: Message[]): Promise<void> {
    for (const batch of chunks(messages, 10)) {
      const { Failed = [] } = await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      if (Failed.length > 0) {
        throw new OperatorError(
          `${Failed.length} message(s) were sent back but SQS did not delete them from the DLQ (${Failed[0].Code ?? 'error'}: ${Failed[0].Message ?? ''}); ` +
            'the next run sends them again and consumers skip them as duplicates',
        );
      }
    }
  }

  /** Makes every held message visible again (visibility 0); returns how many SQS would not release (they reappear when their visibility lapses). */
  async release(): Promise<number> {
    const handles = [...this.held.values()];
    this.held.clear();
    let failed = 0;
    for (const batch of chunks(handles, 10)) {
      try {
        const { Failed = [] } = await this.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: batch.map((handle, i) => ({ Id: String(i), ReceiptHandle: handle, VisibilityTimeout: 0 })),
          }),
        );
        failed += Failed.length;
      } catch {
        failed += batch.length;
      }
    }
    return failed;
  }
}

/**
 * Reads a DLQ without consuming it: `visit` sees each message once, then all are released.
 * Stops after `maxMessages` or when `signal` aborts; `complete` says the whole queue was read.
 */
export async function peekDeadLetters(
  sqs: SQSClient,
  dlqUrl: string,
  options: { maxMessages?: number; signal?: AbortSignal },
  visit: (message: Message) => void | Promise<void>,
): Promise<{ seen: number; complete: boolean; unreleased: number }> {
  const cursor = new DlqCursor(sqs, dlqUrl);
  const max = options.maxMessages ?? Infinity;
  let complete = false;
  let unreleased = 0;
  try {
    while (cursor.seenCount < max && !options.signal?.aborted) {
      const messages = await cursor.next(Math.min(10, max - cursor.seenCount));
      if (messages.length === 0) {
        complete = !cursor.stalled;
        break;
      }
      cursor.hold(messages);
      for (const message of messages) await visit(message);
    }
  } finally {
    unreleased = await cursor.release();
  }
  return { seen: cursor.seenCount, complete, unreleased };
}
