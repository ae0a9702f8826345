import { QUEUE_NAMES, QueueConsumedBy, QueueName, QUEUES } from '@discord-backbone/contracts';

/** A queue the queue table gives the worker to consume. */
export const isWorkerQueue = (name: QueueName): name is QueueConsumedBy<'worker'> =>
  QUEUES[name].consumedBy === 'worker';
/** The worker's SQS consumers, one per worker queue (AWS_SQS_ENABLED=false turns them off). */
export const SQS_CONSUMERS = QUEUE_NAMES.filter(isWorkerQueue);
/** …and the relay's Discord gateway ingest, which is no SQS consumer. */
export const WORKER_CONSUMERS = [...SQS_CONSUMERS, 'relay'] as const;
export type WorkerConsumer = QueueConsumedBy<'worker'> | 'relay';
export const isSqsConsumer = (consumer: WorkerConsumer) => (SQS_CONSUMERS as readonly string[]).includes(consumer);
