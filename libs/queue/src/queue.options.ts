export const QUEUE_OPTIONS = Symbol('QUEUE_OPTIONS');
export const SQS_CLIENT = Symbol('SQS_CLIENT');

/** Settings of one SQS consumer; the handler is found by `name` (see @SqsMessageHandler). */
export interface ConsumerSettings {
  name: string;
  queueUrl: string;
  /** Explicit DLQ; when absent it is resolved from the queue's RedrivePolicy at start-up. */
  deadLetterQueueUrl?: string;
  batchSize: number;
  waitTimeSeconds: number;
  visibilityTimeout: number;
  /** Receives allowed before the consumer dead-letters a transiently failing message itself. */
  maxReceiveCount: number;
  retryBaseDelaySeconds: number;
  retryMaxDelaySeconds: number;
}

export interface QueueModuleOptions {
  consumers: ConsumerSettings[];
  shutdownDrainTimeoutMs: number;
}

export interface SqsClientOptions {
  region: string;
  /** AWS_ENDPOINT_URL_SQS (LocalStack, ElasticMQ, fauxqs); unset for AWS itself. */
  endpoint?: string;
}
