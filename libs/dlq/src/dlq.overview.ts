import { SQSClient } from '@aws-sdk/client-sqs';
import { readDeadLetter } from '@discord-backbone/queue';
import { peekDeadLetters } from './dlq.cursor';
import { OperatorError } from './dlq.errors';
import { configuredQueues, depthOf, locate, Settings } from './dlq.targets';

/** Messages read from a DLQ to find its oldest failure. */
export const OLDEST_SAMPLE = 100;

export interface QueueOverview {
  name: string;
  /** The setting that configures the queue; unset means the queue is not used here. */
  queueUrlSetting: string;
  queueUrl?: string;
  dlqUrl?: string;
  queue?: { visible: number; inFlight: number };
  dlq?: {
    visible: number;
    inFlight: number;
    /**
     * The earliest failure among the messages read (`failed_at`, else the SQS SentTimestamp).
     * SQS has no "oldest message" attribute (CloudWatch's ApproximateAgeOfOldestMessage is a metric),
     * so it is read from the messages themselves, without consuming them.
     */
    oldestFailure?: Date;
    /** Messages read for `oldestFailure`. */
    sampled: number;
    /** Every message was read; otherwise `oldestFailure` is a lower bound of the oldest age. */
    complete: boolean;
  };
  /** Why this queue could not be read (it does not exist, has no DLQ…). */
  problem?: string;
}

/**
 * Every queue of the system with its DLQ: depth, in flight and the oldest failure. Only DLQs are
 * read: receiving from a live queue would hide messages from its consumers and count receives
 * towards their redrive limit.
 */
export async function overview(sqs: SQSClient, settings: Settings): Promise<QueueOverview[]> {
  return Promise.all(
    configuredQueues(settings).map(
      async ({ name, queueUrlSetting, deadLetterQueueUrlSetting, queueUrl, dlqUrl }): Promise<QueueOverview> => {
        const row: QueueOverview = { name, queueUrlSetting, queueUrl };
        if (!queueUrl) return row;
        try {
          const target = await locate(sqs, name, queueUrl, dlqUrl, deadLetterQueueUrlSetting);
          row.dlqUrl = target.dlqUrl;
          const [source, dead] = await Promise.all([depthOf(sqs, target.queueUrl), depthOf(sqs, target.dlqUrl)]);
          row.queue = source;
          let oldest: number | undefined;
          const { seen, complete } =
            dead.visible > 0
              ? await peekDeadLetters(sqs, target.dlqUrl, { maxMessages: OLDEST_SAMPLE }, (message) => {
                  const { failedAt, sentAt } = readDeadLetter(message);
                  const at = (failedAt ?? sentAt)?.getTime();
                  if (at !== undefined && (oldest === undefined || at < oldest)) oldest = at;
                })
              : { seen: 0, complete: true };
          row.dlq = {
            ...dead,
            oldestFailure: oldest === undefined ? undefined : new Date(oldest),
            sampled: seen,
            complete: complete && seen >= dead.visible,
          };
        } catch (error) {
          if (!(error instanceof OperatorError)) throw error;
          row.problem = error.message;
        }
        return row;
      },
    ),
  );
}
