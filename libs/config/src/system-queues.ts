import { QueueName } from '@app/contracts';
import type { Environment } from './environment';

/** The name of a setting that holds a queue URL (checked against `Environment` by the compiler). */
type UrlSetting = { [K in keyof Environment]-?: Environment[K] extends string | undefined ? K : never }[keyof Environment];

/** One queue of the system: its logical name and the settings that locate it and its DLQ. */
export interface SystemQueue {
  /** The logical name used in logs, spans and the `original.queue` DLQ attribute. */
  readonly name: string;
  readonly queueUrlSetting: UrlSetting;
  /** Optional: when unset, the DLQ is the source queue's RedrivePolicy target. */
  readonly deadLetterQueueUrlSetting: UrlSetting;
}

/**
 * Every queue of the system, in one table: tools that walk all queues (the DLQ tool) read it.
 * A new queue is one line here, with its settings declared in `Environment`.
 */
export const SYSTEM_QUEUES: readonly SystemQueue[] = [
  { name: QueueName.PRIZE_DISTRIBUTION, queueUrlSetting: 'AWS_SQS_QUEUE_URL', deadLetterQueueUrlSetting: 'AWS_SQS_DLQ_URL' },
  { name: QueueName.DISCORD, queueUrlSetting: 'DISCORD_QUEUE_URL', deadLetterQueueUrlSetting: 'DISCORD_QUEUE_DLQ_URL' },
  { name: QueueName.BACKEND, queueUrlSetting: 'BACKEND_QUEUE_URL', deadLetterQueueUrlSetting: 'BACKEND_QUEUE_DLQ_URL' },
  { name: QueueName.BOT_OPERATIONS, queueUrlSetting: 'BOT_OPERATIONS_QUEUE_URL', deadLetterQueueUrlSetting: 'BOT_OPERATIONS_DLQ_URL' },
];
