/** Logical queue names: used in spans, logs, the idempotency key and outbox destinations; URLs come from configuration. */
export const QueueName = {
  PRIZE_DISTRIBUTION: 'prize-distribution',
  DISCORD: 'discord',
  BACKEND: 'backend',
  BOT_OPERATIONS: 'bot-operations',
  CAMPAIGN: 'campaign',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** How a queue's consumer polls and retries: the names are `ConsumerSettings`' own. */
export interface QueueTuning {
  readonly batchSize: number;
  readonly waitTimeSeconds: number;
  /** Also the visibility timeout the queue is created with locally. */
  readonly visibilityTimeout: number;
  /** The redrive policy's maxReceiveCount (keep the queue's equal): the consumer dead-letters on that receive. */
  readonly maxReceiveCount: number;
  readonly retryBaseDelaySeconds: number;
  readonly retryMaxDelaySeconds: number;
  /** Batch consumers only: received batches worked on at once. */
  readonly concurrency?: number;
  /** Effect consumers only: failed attempts before the DLQ (waits do not count). */
  readonly maxAttempts?: number;
}

/** Every per-queue setting: where the queue is, then how it is consumed. */
export type QueueSettingKey = 'queueUrl' | 'deadLetterQueueUrl' | keyof QueueTuning;

/** The deployments of this system (and whoever else sends to a queue). */
export type QueueSide = 'api' | 'worker';

export interface QueueDefinition {
  /** A FIFO queue (its URL must end in `.fifo`); messages carry a group id. */
  readonly fifo: boolean;
  /** The deployment whose consumer receives it. */
  readonly consumedBy: QueueSide;
  /** Who sends to it: the API through its outbox, the worker directly, or a system outside this one. */
  readonly sentBy: readonly (QueueSide | 'outside')[];
  /** What travels on it, for people. */
  readonly carries: string;
  /** Its name on a local SQS (`npm start`, docker-compose): `<localName>[.fifo]`, its DLQ `<localName>-dlq[.fifo]`. */
  readonly localName: string;
  /** Only the tuning settings listed here exist for this queue. */
  readonly defaults: QueueTuning;
  /** Older setting names still accepted (today's names and the specs'); the scheme's name wins in docs. */
  readonly aliases: { readonly [K in QueueSettingKey]?: readonly string[] };
}

/** The settings the prize and backend-answer queues have always shared (prize-distribution-consumer.md's parameters). */
const SHARED_BATCH_ALIASES = {
  waitTimeSeconds: ['SQS_WAIT_TIME_SECONDS'],
  concurrency: ['SQS_CONCURRENCY'],
  maxReceiveCount: ['SQS_MAX_RECEIVE_COUNT'],
} as const;
const SHARED_RETRY_ALIASES = {
  retryBaseDelaySeconds: ['SQS_RETRY_BASE_DELAY_SECONDS'],
  retryMaxDelaySeconds: ['SQS_RETRY_MAX_DELAY_SECONDS'],
} as const;
const SHARED_VISIBILITY_ALIAS = { visibilityTimeout: ['SQS_VISIBILITY_TIMEOUT'] } as const;

/**
 * Every queue of the system, by logical name: the one place a queue is declared. Its settings,
 * the consumers each app runs, health checks, the outbox's destinations, the DLQ tool's targets
 * and the local queues of `npm start` are derived from it.
 */
export const QUEUES = {
  [QueueName.PRIZE_DISTRIBUTION]: {
    fifo: false,
    consumedBy: 'worker',
    sentBy: ['outside'],
    carries: 'prize events (ITEM_AWARDED, CHARACTER_AWARDED) from the Discord bot',
    localName: 'prize-distribution',
    // The spec's queue parameters: 5 per poll, 5 s polls, 30 s visibility, DLQ after 3 receives.
    defaults: {
      batchSize: 5,
      waitTimeSeconds: 5,
      visibilityTimeout: 30,
      maxReceiveCount: 3,
      retryBaseDelaySeconds: 10,
      retryMaxDelaySeconds: 900,
      concurrency: 4,
    },
    aliases: {
      queueUrl: ['AWS_SQS_QUEUE_URL'],
      deadLetterQueueUrl: ['AWS_SQS_DLQ_URL'],
      batchSize: ['SQS_BATCH_SIZE'],
      ...SHARED_BATCH_ALIASES,
      ...SHARED_RETRY_ALIASES,
      ...SHARED_VISIBILITY_ALIAS,
    },
  },
  [QueueName.DISCORD]: {
    fifo: false,
    consumedBy: 'worker',
    sentBy: ['api'],
    carries: 'backend → Discord bot requests: create_thread and the later phases (thread-queue-handoff.md)',
    localName: 'discord-queue',
    // Redrive above the attempts: rate-limit waits and shutdown hand-backs are receives too.
    defaults: {
      batchSize: 10,
      waitTimeSeconds: 20,
      visibilityTimeout: 30,
      maxReceiveCount: 20,
      retryBaseDelaySeconds: 10,
      retryMaxDelaySeconds: 900,
      maxAttempts: 3,
    },
    aliases: { ...SHARED_RETRY_ALIASES, ...SHARED_VISIBILITY_ALIAS },
  },
  [QueueName.BACKEND]: {
    fifo: false,
    consumedBy: 'api',
    sentBy: ['worker'],
    carries: 'Discord bot → backend answers: thread_created and the others',
    localName: 'backend-queue',
    defaults: {
      batchSize: 10,
      waitTimeSeconds: 5,
      visibilityTimeout: 30,
      maxReceiveCount: 3,
      retryBaseDelaySeconds: 10,
      retryMaxDelaySeconds: 900,
      concurrency: 4,
    },
    aliases: { ...SHARED_BATCH_ALIASES, ...SHARED_RETRY_ALIASES, ...SHARED_VISIBILITY_ALIAS },
  },
  [QueueName.BOT_OPERATIONS]: {
    fifo: true,
    consumedBy: 'worker',
    sentBy: ['api'],
    carries: 'invite / remove / verify permissions (bot-operation-queue.md)',
    localName: 'bot-operations',
    // 1 s, 2 s, 4 s … capped at 15 minutes; FIFO hand-backs behind a failing message are receives too.
    defaults: {
      batchSize: 10,
      waitTimeSeconds: 20,
      visibilityTimeout: 30,
      maxReceiveCount: 20,
      retryBaseDelaySeconds: 1,
      retryMaxDelaySeconds: 900,
      maxAttempts: 8,
    },
    aliases: {
      deadLetterQueueUrl: ['BOT_OPERATIONS_DLQ_URL'],
      batchSize: ['BOT_OPERATIONS_BATCH_SIZE'],
      waitTimeSeconds: ['BOT_OPERATIONS_WAIT_TIME_SECONDS'],
      maxAttempts: ['BOT_OPERATIONS_MAX_ATTEMPTS'],
      maxReceiveCount: ['BOT_OPERATIONS_MAX_RECEIVE_COUNT'],
      retryBaseDelaySeconds: ['BOT_OPERATIONS_RETRY_BASE_SECONDS'],
      retryMaxDelaySeconds: ['BOT_OPERATIONS_RETRY_MAX_SECONDS'],
      ...SHARED_VISIBILITY_ALIAS,
    },
  },
  [QueueName.CAMPAIGN]: {
    fifo: true,
    consumedBy: 'worker',
    sentBy: ['api', 'worker'],
    carries:
      'the steps of /add-campaign, their retries and rollbacks (campaign-channel-worker.md); each step queues the next',
    localName: 'campaign-tasks',
    defaults: {
      batchSize: 10,
      waitTimeSeconds: 20,
      visibilityTimeout: 30,
      maxReceiveCount: 20,
      retryBaseDelaySeconds: 2,
      retryMaxDelaySeconds: 300,
      maxAttempts: 5,
    },
    aliases: {
      waitTimeSeconds: ['CAMPAIGN_WAIT_TIME_SECONDS'],
      maxAttempts: ['CAMPAIGN_MAX_ATTEMPTS'],
      maxReceiveCount: ['CAMPAIGN_MAX_RECEIVE_COUNT'],
      retryBaseDelaySeconds: ['CAMPAIGN_RETRY_BASE_SECONDS'],
      retryMaxDelaySeconds: ['CAMPAIGN_RETRY_MAX_SECONDS'],
      ...SHARED_VISIBILITY_ALIAS,
    },
  },
} as const satisfies Record<QueueName, QueueDefinition>;

/** The queues a deployment consumes. */
export type QueueConsumedBy<S extends QueueSide> = {
  [Q in QueueName]: (typeof QUEUES)[Q]['consumedBy'] extends S ? Q : never;
}[QueueName];

/** Every queue name, in the table's order. */
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

/** The setting-name suffix of each per-queue setting. */
export const QUEUE_SETTING_SUFFIX: Record<QueueSettingKey, string> = {
  queueUrl: 'URL',
  deadLetterQueueUrl: 'DLQ_URL',
  batchSize: 'BATCH_SIZE',
  waitTimeSeconds: 'WAIT_TIME_SECONDS',
  visibilityTimeout: 'VISIBILITY_TIMEOUT_SECONDS',
  concurrency: 'CONCURRENCY',
  maxAttempts: 'MAX_ATTEMPTS',
  maxReceiveCount: 'MAX_RECEIVE_COUNT',
  retryBaseDelaySeconds: 'RETRY_BASE_SECONDS',
  retryMaxDelaySeconds: 'RETRY_MAX_SECONDS',
};

/**
 * The one naming scheme of per-queue settings: `<QUEUE>_QUEUE_<SETTING>`, the logical name in
 * upper snake case (`bot-operations` → `BOT_OPERATIONS_QUEUE_URL`, `…_QUEUE_DLQ_URL`,
 * `…_QUEUE_VISIBILITY_TIMEOUT_SECONDS`).
 */
export function queueSettingName(queue: QueueName, key: QueueSettingKey): string {
  return `${queue.toUpperCase().replaceAll('-', '_')}_QUEUE_${QUEUE_SETTING_SUFFIX[key]}`;
}

/** Every name a per-queue setting is read from: the scheme's first, then its aliases. */
export function queueSettingNames(queue: QueueName, key: QueueSettingKey): string[] {
  const aliases: { readonly [K in QueueSettingKey]?: readonly string[] } = QUEUES[queue].aliases;
  return [queueSettingName(queue, key), ...(aliases[key] ?? [])];
}

/** The settings a queue has: its URL and DLQ, then the tuning its defaults list. */
export function queueSettingKeys(queue: QueueName): QueueSettingKey[] {
  return ['queueUrl', 'deadLetterQueueUrl', ...(Object.keys(QUEUES[queue].defaults) as (keyof QueueTuning)[])];
}
