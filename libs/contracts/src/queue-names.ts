/** Logical queue names: used in spans, logs and the idempotency key; URLs come from configuration. */
export const QueueName = {
  PRIZE_DISTRIBUTION: 'prize-distribution',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
