import { isURL } from 'class-validator';
import {
  QUEUE_NAMES,
  QueueName,
  QUEUES,
  QueueSettingKey,
  queueSettingKeys,
  queueSettingNames,
  QueueTuning,
} from '@discord-backbone/contracts';

/** A queue's settings as this process reads them: where it is (unset when not configured) and how it is consumed. */
export interface QueueSettings extends QueueTuning {
  readonly queueUrl?: string;
  /** Unset: the DLQ is the queue's RedrivePolicy target. */
  readonly deadLetterQueueUrl?: string;
  /** The name each setting was read from (the scheme's when unset): messages name what the operator set. */
  readonly settingNames: Readonly<Partial<Record<QueueSettingKey, string>>>;
}

/** Every queue's settings, by logical name. */
export type QueueSettingsByName = Readonly<Record<QueueName, QueueSettings>>;

/** Why a queue's URL is required here (undefined: it is not). */
export type QueueRequirement = (queue: QueueName) => string | undefined;

export const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** Accepted range of each tuning setting (SQS's own limits where it has them). */
const RANGES: Record<keyof QueueTuning, readonly [number, number]> = {
  batchSize: [1, 10],
  waitTimeSeconds: [0, 20],
  // At least 3 s: the heartbeat extends it every third of it, at most once a second.
  visibilityTimeout: [3, 43200],
  concurrency: [1, 32],
  maxAttempts: [1, 100],
  maxReceiveCount: [1, 1000],
  retryBaseDelaySeconds: [0, 43200],
  retryMaxDelaySeconds: [0, 43200],
};

const given = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

/**
 * Reads every queue's settings from the environment by the table: each setting under its scheme
 * name or an alias. Problems come back as lines naming the settings, never their values (a URL
 * may hold credentials): a bad value, a missing required URL, or a name and its alias both set
 * to different values.
 */
export function readQueueSettings(
  raw: Record<string, unknown>,
  required: QueueRequirement,
): { queues: QueueSettingsByName; problems: string[] } {
  const problems: string[] = [];
  const queues = {} as Record<QueueName, QueueSettings>;
  for (const queue of QUEUE_NAMES) {
    const settingNames: Partial<Record<QueueSettingKey, string>> = {};
    const settings: Record<string, unknown> = { ...QUEUES[queue].defaults, settingNames };
    for (const key of queueSettingKeys(queue)) {
      const names = queueSettingNames(queue, key);
      const set = names.filter((name) => given(raw[name]));
      settingNames[key] = set[0] ?? names[0];
      const values = new Set(set.map((name) => String(raw[name]).trim()));
      if (values.size > 1) {
        problems.push(
          `  - ${set.join(' and ')} (conflict): the same setting under ${set.length} names, with different values; set ${names[0]} only`,
        );
        continue;
      }
      if (set.length === 0) {
        const why = key === 'queueUrl' ? required(queue) : undefined;
        if (why) problems.push(`  - ${names[0]} (missing): the ${queue} queue URL, ${why}${aliasesOf(names)}`);
        continue;
      }
      const parsed = parse(queue, key, String(raw[set[0]]).trim());
      if ('problem' in parsed) problems.push(`  - ${set[0]} (invalid): ${parsed.problem}`);
      else settings[key] = parsed.value;
    }
    queues[queue] = settings as unknown as QueueSettings;
  }
  return { queues, problems };
}

const aliasesOf = (names: string[]) => (names.length > 1 ? ` (also read as ${names.slice(1).join(', ')})` : '');

function parse(
  queue: QueueName,
  key: QueueSettingKey,
  value: string,
): { value: string | number } | { problem: string } {
  if (key === 'queueUrl' || key === 'deadLetterQueueUrl') {
    if (!isURL(value, URL_OPTIONS)) return { problem: 'must be a queue URL (http or https)' };
    // A FIFO queue's DLQ is FIFO too (SQS refuses anything else as its redrive target).
    if (QUEUES[queue].fifo && !value.endsWith('.fifo'))
      return { problem: `the ${queue} queue is FIFO: its URL must end in .fifo` };
    return { value };
  }
  const [min, max] = RANGES[key];
  const number = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) return { problem: `must be an integer from ${min} to ${max}` };
  return { value: number };
}
