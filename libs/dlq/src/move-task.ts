import { setTimeout as sleep } from 'node:timers/promises';
import {
  CancelMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
  ListMessageMoveTasksResultEntry,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { OperatorError } from './dlq.errors';

/** How often a running move task's progress is read. */
const POLL_INTERVAL_MS = 1000;

/** SQS's own limit on a move task's MaxNumberOfMessagesPerSecond. */
export const MAX_MOVE_TASK_RATE = 500;

/**
 * Errors that mean "this endpoint (or this role) cannot run a move task here": emulators without
 * the action (fauxqs, older ElasticMQ), a queue SQS will not move (InvalidParameterValue,
 * UnsupportedOperation), a role without the permission. The tool then moves message by message,
 * which needs only receive, send and delete.
 */
const UNAVAILABLE = new Set([
  'InvalidAction',
  'UnknownOperationException',
  'UnsupportedOperation',
  'AWS.SimpleQueueService.UnsupportedOperation',
  'InvalidParameterValue',
  'NotImplemented',
  'AccessDenied',
  'AccessDeniedException',
]);

/** Why a move task cannot be used, or undefined when the error is something else. */
export function moveTaskUnavailable(error: unknown): string | undefined {
  const { name = '', Code = '' } = (error ?? {}) as { name?: string; Code?: string };
  return UNAVAILABLE.has(name) ? name : UNAVAILABLE.has(Code) ? Code : undefined;
}

/**
 * Whether the endpoint runs move tasks on this DLQ (ListMessageMoveTasks answers): undefined
 * when it does, else why not. Refuses to go on while another move task runs on it.
 */
export async function moveTaskSupport(sqs: SQSClient, dlqArn: string): Promise<string | undefined> {
  let latest: ListMessageMoveTasksResultEntry | undefined;
  try {
    latest = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }))).Results?.[0];
  } catch (error) {
    const reason = moveTaskUnavailable(error);
    if (reason) return reason;
    throw error;
  }
  if (latest?.Status === 'RUNNING' || latest?.Status === 'CANCELLING') {
    throw new OperatorError(
      `A move task is already running on this DLQ (${latest.ApproximateNumberOfMessagesMoved ?? 0} moved so far); wait for it or cancel it`,
    );
  }
  return undefined;
}

export interface MoveTaskOutcome {
  /** COMPLETED, CANCELLED or FAILED. */
  status: string;
  moved: number;
  failureReason?: string;
}

/**
 * Runs SQS's StartMessageMoveTask from the DLQ to the source queue and follows it until it ends;
 * `signal` cancels it (what was moved stays moved). Returns undefined when the endpoint refuses
 * to start one (see `moveTaskUnavailable`), so the caller can move message by message.
 */
export async function runMoveTask(
  sqs: SQSClient,
  task: {
    dlqArn: string;
    queueArn: string;
    rate?: number;
    signal?: AbortSignal;
    onProgress?: (moved: number, total: number) => void;
  },
): Promise<MoveTaskOutcome | { unavailable: string }> {
  let handle: string | undefined;
  try {
    ({ TaskHandle: handle } = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: task.dlqArn,
        DestinationArn: task.queueArn,
        MaxNumberOfMessagesPerSecond: task.rate,
      }),
    ));
  } catch (error) {
    const reason = moveTaskUnavailable(error);
    if (reason) return { unavailable: reason };
    throw error;
  }
  let cancelled = false;
  for (;;) {
    await sleep(POLL_INTERVAL_MS, undefined, { signal: cancelled ? undefined : task.signal }).catch(() => undefined);
    if (task.signal?.aborted && !cancelled && handle) {
      cancelled = true;
      await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: handle })).catch(() => undefined);
    }
    const latest = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: task.dlqArn, MaxResults: 1 })))
      .Results?.[0];
    const moved = latest?.ApproximateNumberOfMessagesMoved ?? 0;
    task.onProgress?.(moved, Math.max(moved, latest?.ApproximateNumberOfMessagesToMove ?? 0));
    if (latest?.Status && !['RUNNING', 'CANCELLING'].includes(latest.Status)) {
      return { status: latest.Status, moved, failureReason: latest.FailureReason };
    }
  }
}
