export const QUEUE_OPTIONS = Symbol('QUEUE_OPTIONS');
export const SQS_CLIENT = Symbol('SQS_CLIENT');
export const SQS_CLIENT_OPTIONS = Symbol('SQS_CLIENT_OPTIONS');

/** Settings of one SQS consumer; the handler is found by `name` (see @SqsMessageHandler). */
export interface ConsumerSettings {
  name: string;
  queueUrl: string;
  /** Explicit DLQ; when absent it is resolved from the queue's RedrivePolicy at start-up. */
  deadLetterQueueUrl?: string;
  /** The setting `deadLetterQueueUrl` comes from, named by start-up errors about it. */
  deadLetterQueueUrlSetting?: string;
  batchSize: number;
  /**
   * Batch consumers (processBatch) only: received batches worked on at once. Above 1, the next
   * receive starts while earlier batches commit, and the pipeline deletes what is done itself.
   * Effect consumers (processEffects) handle one batch at a time (their groups already run in
   * parallel).
   */
  concurrency?: number;
  waitTimeSeconds: number;
  visibilityTimeout: number;
  /**
   * The queue's redrive maxReceiveCount: on that receive the consumer dead-letters a message
   * that is still failing itself, so the reason travels with it (SQS would move it silently).
   */
  maxReceiveCount: number;
  /**
   * Effect consumers (processEffects) only: failed handler attempts before the message is
   * dead-lettered. Waits (RetryLaterError, hand-backs) do not count. Batch consumers count receives.
   */
  maxAttempts?: number;
  retryBaseDelaySeconds: number;
  retryMaxDelaySeconds: number;
}

export interface QueueModuleOptions {
  /** The queues this process polls, each with a handler (@SqsMessageHandler) among the app's modules; none = no poller. */
  consumers: ConsumerSettings[];
  /** How long shutdown waits for messages in hand before handing them back. */
  shutdownDrainTimeoutMs: number;
  /** The ECS agent's endpoint (ECS sets `ECS_AGENT_URI` in every task): turns on task scale-in protection while messages are in hand. */
  ecsAgentUri?: string;
  /** How long without a message in hand before the protection is lifted (default 30 s). */
  taskProtectionIdleMs?: number;
}

export interface SqsClientOptions {
  /** AWS_REGION. */
  region: string;
  /** AWS_ENDPOINT_URL_SQS (LocalStack, ElasticMQ, fauxqs); unset for AWS itself. */
  endpoint?: string;
}
