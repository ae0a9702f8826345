import { QueueName } from '@discord-backbone/contracts';
import type { Environment } from './environment';

/** The name of a setting that holds a URL (checked against `Environment` by the compiler). */
type UrlSetting = { [K in keyof Environment]-?: Environment[K] extends string | undefined ? K : never }[keyof Environment];

/** The settings that locate a queue and its DLQ. */
export interface QueueLocation {
  readonly queueUrlSetting: UrlSetting;
  /** Optional setting: when unset, the DLQ is the queue's RedrivePolicy target. */
  readonly deadLetterQueueUrlSetting: UrlSetting;
}

/**
 * Where every queue of the system is configured, by logical name: tools that walk all queues
 * (the DLQ tool) read it. A new queue name does not compile without its line here; the consumers
 * table (`CONSUMERS`) is checked against it by a test.
 */
export const SYSTEM_QUEUES: Record<QueueName, QueueLocation> = {
  [QueueName.PRIZE_DISTRIBUTION]: { queueUrlSetting: 'AWS_SQS_QUEUE_URL', deadLetterQueueUrlSetting: 'AWS_SQS_DLQ_URL' },
  [QueueName.DISCORD]: { queueUrlSetting: 'DISCORD_QUEUE_URL', deadLetterQueueUrlSetting: 'DISCORD_QUEUE_DLQ_URL' },
  [QueueName.BACKEND]: { queueUrlSetting: 'BACKEND_QUEUE_URL', deadLetterQueueUrlSetting: 'BACKEND_QUEUE_DLQ_URL' },
  [QueueName.BOT_OPERATIONS]: { queueUrlSetting: 'BOT_OPERATIONS_QUEUE_URL', deadLetterQueueUrlSetting: 'BOT_OPERATIONS_DLQ_URL' },
  [QueueName.CAMPAIGN]: { queueUrlSetting: 'CAMPAIGN_QUEUE_URL', deadLetterQueueUrlSetting: 'CAMPAIGN_QUEUE_DLQ_URL' },
};
