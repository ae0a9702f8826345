import { setTimeout as sleep } from 'node:timers/promises';
import { Message, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readDeadLetter, replayAttributes } from '@discord-backbone/queue';
import { DlqCursor } from './dlq.cursor';
import { OperatorError } from './dlq.errors';
import { depthOf, DlqTarget, queueAttributes } from './dlq.targets';
import { classFilter, classOf, countByClass } from './error-class';
import { moveTaskSupport, runMoveTask } from './move-task';

/** How long a redrive keeps the messages in hand hidden; after a crash they reappear in the DLQ after this. */
export const REDRIVE_VISIBILITY_SECONDS = 30;

/** SQS's limit on the total size of one SendMessageBatch. */
const MAX_BATCH_BYTES = 256 * 1024;

export interface RedriveOptions {
  /** Only this error class (see `classFilter`); the whole DLQ when undefined. */
  errorClass?: string;
  /** Messages per second at most. */
  rate?: number;
  /** Reads and counts what would be moved; moves nothing. */
  dryRun?: boolean;
  visibilityTimeout?: number;
  /** Stops after the batch in hand (message by message) or cancels the move task. */
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number; moved: number }) => void;
}

export interface RedriveResult {
  method: 'move-task' | 'message-by-message';
  /** Why this method (a class was asked for, the endpoint has no move task…). */
  methodReason: string;
  dryRun: boolean;
  /** Visible messages in the DLQ when the run started. */
  depth: number;
  /** Messages in the DLQ after the run. */
  remaining: number;
  /** In flight in the DLQ after the run, so not read by it: another reader has them, or a run stopped less than its visibility timeout ago. */
  inFlight: number;
  examined: number;
  /** Moved (or, in a dry run, to be moved) by class; a move task reports a total only. */
  moved: number;
  movedByClass: [string, number][];
  /** Messages of other classes, left in the DLQ. */
  left: [string, number][];
  /** FIFO: messages of the chosen class left in the DLQ behind an earlier message of their group that stays. */
  behind: number;
  /** Messages that failed again and were dead-lettered anew during the run: left for the next run. */
  returned: number;
  interrupted: boolean;
  /** What stopped the run early (the messages it concerns stay in the DLQ). */
  failure?: unknown;
}

/**
 * Moves DLQ messages back to their source queue. The whole DLQ goes through SQS's
 * StartMessageMoveTask where the endpoint runs it; a class, or an endpoint without it, goes
 * message by message: each message is sent first (body byte for byte, its attributes without
 * the stale reason, `original.message_id` kept; FIFO: same group, a new deduplication id) and
 * deleted from the DLQ after, so a crash can duplicate a message but never lose one. Only
 * messages dead-lettered before the run began are moved: one that fails again meanwhile stays.
 */
export async function redrive(sqs: SQSClient, target: DlqTarget, options: RedriveOptions = {}): Promise<RedriveResult> {
  const { visible: depth } = await depthOf(sqs, target.dlqUrl);
  const result = await run(sqs, target, options, depth);
  const after = await depthOf(sqs, target.dlqUrl);
  return { ...result, depth, remaining: after.visible + after.inFlight, inFlight: after.inFlight };
}

async function run(
  sqs: SQSClient,
  target: DlqTarget,
  options: RedriveOptions,
  depth: number,
): Promise<Omit<RedriveResult, 'depth' | 'remaining' | 'inFlight'>> {
  const base = { dryRun: options.dryRun === true, interrupted: false, behind: 0, returned: 0, left: [] };
  let methodReason = `--class ${options.errorClass} chosen`;
  let useMoveTask = false;
  if (options.errorClass === undefined) {
    const [dlqArn, queueArn] = await Promise.all([arnOf(sqs, target.dlqUrl), arnOf(sqs, target.queueUrl)]);
    const unavailable = await moveTaskSupport(sqs, dlqArn);
    methodReason = unavailable
      ? `the endpoint has no StartMessageMoveTask here: ${unavailable}`
      : 'the whole DLQ, and the endpoint runs move tasks';
    useMoveTask = unavailable === undefined;
    if (useMoveTask && !options.dryRun) {
      const outcome = await runMoveTask(sqs, {
        dlqArn,
        queueArn,
        rate: options.rate,
        signal: options.signal,
        onProgress: (moved, total) => options.onProgress?.({ done: moved, total, moved }),
      });
      if (!('unavailable' in outcome)) {
        return {
          ...base,
          method: 'move-task',
          methodReason,
          examined: outcome.moved,
          moved: outcome.moved,
          movedByClass: [],
          interrupted: outcome.status === 'CANCELLED',
          failure:
            outcome.status === 'FAILED'
              ? new OperatorError(`SQS's move task failed: ${outcome.failureReason ?? 'no reason given'}`)
              : undefined,
        };
      }
      methodReason = `the endpoint refused StartMessageMoveTask: ${outcome.unavailable}`;
      useMoveTask = false;
    }
  }
  const result = await moveOneByOne(sqs, target, options, depth);
  return { ...base, ...result, method: useMoveTask ? 'move-task' : 'message-by-message', methodReason };
}

async function arnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { QueueArn } = await queueAttributes(sqs, queueUrl, ['QueueArn']);
  if (!QueueArn) throw new OperatorError(`SQS gave no ARN for ${queueUrl}`);
  return QueueArn;
}

async function moveOneByOne(
  sqs: SQSClient,
  target: DlqTarget,
  options: RedriveOptions,
  depth: number,
): Promise<
  Pick<
    RedriveResult,
    'examined' | 'moved' | 'movedByClass' | 'left' | 'behind' | 'returned' | 'interrupted' | 'failure'
  >
> {
  const cursor = new DlqCursor(sqs, target.dlqUrl, options.visibilityTimeout ?? REDRIVE_VISIBILITY_SECONDS);
  const wanted = classFilter(options.errorClass);
  // FIFO groups with a message that stays in the DLQ: their later messages stay too, in order.
  const blocked = new Set<string>();
  const moved: string[] = [];
  const left: string[] = [];
  let behind = 0;
  let returned = 0;
  let interrupted = false;
  let failure: unknown;
  const started = Date.now();
  // A batch never holds more than a second's worth of a capped rate.
  const batchSize = options.rate ? Math.max(1, Math.min(10, Math.floor(options.rate))) : 10;
  try {
    for (;;) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      const messages = await cursor.next(batchSize);
      if (messages.length === 0) break;
      const take: { message: Message; errorClass: string }[] = [];
      for (const message of messages) {
        const deadLetter = readDeadLetter(message);
        const errorClass = classOf(deadLetter);
        const group = target.fifo ? message.Attributes?.MessageGroupId : undefined;
        if (deadLetter.sentAt !== undefined && deadLetter.sentAt.getTime() >= started) {
          // Dead-lettered again since the run began (its cause is still there): moving it again would go round in circles.
          cursor.hold([message]);
          returned += 1;
        } else if (group !== undefined && blocked.has(group)) {
          cursor.hold([message]);
          if (wanted(errorClass)) behind += 1;
          else left.push(errorClass);
        } else if (wanted(errorClass)) take.push({ message, errorClass });
        else {
          cursor.hold([message]);
          left.push(errorClass);
          if (group !== undefined) blocked.add(group);
        }
      }
      if (options.rate && take.length > 0) {
        // Paced: the n-th message goes no earlier than n / rate seconds after the start.
        const wait = started + (moved.length * 1000) / options.rate - Date.now();
        if (wait > 0) await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
        if (options.signal?.aborted) {
          cursor.hold(take.map((t) => t.message));
          interrupted = true;
          break;
        }
      }
      if (options.dryRun) {
        cursor.hold(take.map((t) => t.message));
        moved.push(...take.map((t) => t.errorClass));
      } else {
        const classes = new Map(take.map((t) => [t.message, t.errorClass]));
        try {
          await sendBack(sqs, target, [...classes.keys()], cursor, (sent) =>
            moved.push(...sent.map((m) => classes.get(m)!)),
          );
        } catch (error) {
          failure = error;
          break;
        }
      }
      options.onProgress?.({ done: cursor.seenCount, total: Math.max(depth, cursor.seenCount), moved: moved.length });
    }
  } finally {
    await cursor.release();
  }
  return {
    examined: cursor.seenCount,
    moved: moved.length,
    movedByClass: countByClass(moved),
    left: countByClass(left),
    behind,
    returned,
    interrupted,
    failure,
  };
}

/**
 * Sends messages to the source queue, then deletes them from the DLQ; `onMoved` is told of
 * each batch sent and deleted. On an error the messages not sent yet are held (released
 * at the end of the run) and the error is thrown; the ones sent are deleted first.
 */
async function sendBack(
  sqs: SQSClient,
  target: DlqTarget,
  messages: Message[],
  cursor: DlqCursor,
  onMoved: (sent: Message[]) => void,
): Promise<void> {
  let next = 0;
  try {
    if (target.fifo) {
      // One by one, in the order received: the group's order in the queue is the order of the sends.
      const sent: Message[] = [];
      try {
        for (; next < messages.length; next++) {
          const message = messages[next];
          await sqs.send(
            new SendMessageCommand({
              QueueUrl: target.queueUrl,
              MessageBody: message.Body ?? '',
              MessageAttributes: replayAttributes(message),
              MessageGroupId: message.Attributes?.MessageGroupId,
              // New (the original id is remembered by SQS for 5 minutes), and the same on a rerun: SQS drops that duplicate itself.
              MessageDeduplicationId: `redrive-${message.MessageId}`,
            }),
          );
          sent.push(message);
        }
      } finally {
        await cursor.delete(sent);
        onMoved(sent);
      }
      return;
    }
    for (const batch of bySize(messages)) {
      const { Successful = [], Failed = [] } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: target.queueUrl,
          Entries: batch.map((message, i) => ({
            Id: String(i),
            MessageBody: message.Body ?? '',
            MessageAttributes: replayAttributes(message),
          })),
        }),
      );
      next += batch.length;
      const sent = Successful.map((entry) => batch[Number(entry.Id)]);
      await cursor.delete(sent);
      onMoved(sent);
      if (Failed.length > 0) {
        cursor.hold(Failed.map((entry) => batch[Number(entry.Id)]));
        throw new OperatorError(
          `SQS refused to send ${Failed.length} message(s) back (${Failed[0].Code ?? 'error'}: ${Failed[0].Message ?? ''}); they stay in the DLQ`,
        );
      }
    }
  } catch (error) {
    cursor.hold(messages.slice(next));
    throw error;
  }
}

/** Batches of at most 10 messages and SQS's batch size limit. */
function bySize(messages: Message[]): Message[][] {
  const batches: Message[][] = [];
  let size = Infinity;
  for (const message of messages) {
    const bytes = Buffer.byteLength(message.Body ?? '') + attributeBytes(message);
    if (batches.length === 0 || batches[batches.length - 1].length === 10 || size + bytes > MAX_BATCH_BYTES) {
      batches.push([]);
      size = 0;
    }
    batches[batches.length - 1].push(message);
    size += bytes;
  }
  return batches;
}

function attributeBytes(message: Message): number {
  return Object.entries(message.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? '') +
      (value.BinaryValue?.length ?? 0),
    0,
  );
}
