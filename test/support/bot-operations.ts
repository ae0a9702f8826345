import {
  ChangeMessageVisibilityBatchCommandInput,
  ChangeMessageVisibilityCommandInput,
  Message,
  ReceiveMessageCommandOutput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { INestApplication } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { FakeDiscord } from '@discord-backbone/discord-standin';
import { SQS_CLIENT } from '@discord-backbone/queue';
import { createApp } from '@discord-backbone/runtime';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { startHttpProxy } from './http-proxy';
import { QueuePair, queueSettings } from './sqs';
import { workerEnv } from './worker';

/** Worker settings for the bot-operations consumer against the fake Discord (fast polling, short timeouts). */
export function botWorkerEnv(
  queues: QueuePair,
  discord: Pick<FakeDiscord, 'token' | 'apiUrl'>,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    WORKER_CONSUMERS: 'bot-operations',
    ...queueSettings(QueueName.BOT_OPERATIONS, {
      queueUrl: queues.queueUrl,
      deadLetterQueueUrl: queues.dlqUrl,
      waitTimeSeconds: '1',
    }),
    DISCORD_BOT_TOKEN: discord.token,
    DISCORD_API_BASE_URL: discord.apiUrl,
    DISCORD_REQUEST_TIMEOUT_MS: '5000',
    ...overrides,
  };
}

/**
 * API settings that queue bot operations on `queues` and relay them quickly; with `discord`, the
 * API checks subscription roles with the fake Discord.
 */
export function botApiEnv(
  queues: QueuePair,
  discord?: Pick<FakeDiscord, 'token' | 'apiUrl'>,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    ...queueSettings(QueueName.BOT_OPERATIONS, { queueUrl: queues.queueUrl }),
    OUTBOX_POLL_INTERVAL_MS: '50',
    ...(discord ? { DISCORD_BOT_TOKEN: discord.token, DISCORD_API_BASE_URL: discord.apiUrl } : {}),
    ...overrides,
  };
}

/**
 * The real worker module consuming bot operations, with its visibility changes recorded from
 * the first receive on (the recorder is installed before the consumers start polling).
 */
export async function startBotWorker(
  queues: QueuePair,
  discord: Pick<FakeDiscord, 'token' | 'apiUrl'>,
  overrides: Record<string, string> = {},
): Promise<{ app: INestApplication; visibility: VisibilityChange[] }> {
  const env = workerEnv(queues, botWorkerEnv(queues, discord, overrides));
  const app = await createApp(WorkerModule.forRoot(env), { abortOnError: false });
  const visibility = recordVisibilityChanges(app);
  await app.init();
  return { app, visibility };
}

export interface VisibilityChange {
  /** The SQS message id the receipt handle belongs to. */
  messageId: string | undefined;
  seconds: number;
}

/**
 * Every ChangeMessageVisibility(Batch) the app's SQS client sends, attributed to the message it
 * was for (receipt handles are matched with the receives the same client made). Backoff is then
 * asserted on the delays the worker asked for, not on the clock.
 */
export function recordVisibilityChanges(app: INestApplication): VisibilityChange[] {
  const client = app.get<SQSClient>(SQS_CLIENT);
  const messageIds = new Map<string, string | undefined>();
  const changes: VisibilityChange[] = [];
  const record = (receiptHandle: string | undefined, seconds: number | undefined) =>
    changes.push({ messageId: messageIds.get(receiptHandle ?? ''), seconds: seconds ?? -1 });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ChangeMessageVisibilityCommand') {
        const input = args.input as ChangeMessageVisibilityCommandInput;
        record(input.ReceiptHandle, input.VisibilityTimeout);
      } else if (context.commandName === 'ChangeMessageVisibilityBatchCommand') {
        for (const entry of (args.input as ChangeMessageVisibilityBatchCommandInput).Entries ?? [])
          record(entry.ReceiptHandle, entry.VisibilityTimeout);
      }
      const result = await next(args);
      if (context.commandName === 'ReceiveMessageCommand') {
        for (const message of (result.output as ReceiveMessageCommandOutput).Messages ?? [])
          messageIds.set(message.ReceiptHandle ?? '', message.MessageId);
      }
      return result;
    },
    { step: 'initialize', name: 'recordVisibilityChanges' },
  );
  return changes;
}

/** The backoff delays asked for one message: without the heartbeat's extensions and hand-backs (0). */
export function retryDelaysOf(
  changes: VisibilityChange[],
  messageId: string | undefined,
  heartbeatSeconds = 30,
): number[] {
  return changes
    .filter((c) => c.messageId === messageId && c.seconds !== 0 && c.seconds !== heartbeatSeconds)
    .map((c) => c.seconds);
}

/** A DLQ message's attributes as plain strings. */
export function attributesOf(message: Message): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));
}

/**
 * An HTTP proxy in front of the fake Discord that holds matching requests for `delayMs` before
 * passing them on: a slow Discord, so a batch stays in flight while a test signals the worker.
 */
export async function startSlowProxy(
  target: string,
  slow: { method: string; path: RegExp; delayMs: number },
): Promise<{ apiUrl: string; held: () => number; close(): Promise<void> }> {
  let held = 0;
  const proxy = await startHttpProxy(target, (req) => {
    const delay = req.method === slow.method && slow.path.test(req.url ?? '') ? slow.delayMs : 0;
    if (delay > 0) held += 1;
    return delay;
  });
  return {
    apiUrl: `${proxy.url}${new URL(target).pathname}`,
    /** How many requests have been held so far. */
    held: () => held,
    close: () => proxy.close(),
  };
}
