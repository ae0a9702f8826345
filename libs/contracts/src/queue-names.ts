/** Logical queue names: used in spans, logs and the idempotency key; URLs come from configuration. */
export const QueueName = {
  PRIZE_DISTRIBUTION: 'prize-distribution',
  /** Backend → Discord bot (DISCORD_QUEUE_URL): create_thread and the Phase 4 requests. */
  DISCORD: 'discord',
  /** Discord bot → backend (BACKEND_QUEUE_URL): thread_created and the other responses. */
  BACKEND: 'backend',
  /** Backend → Discord bot, FIFO (BOT_OPERATIONS_QUEUE_URL): invite / remove / verify permissions. */
  BOT_OPERATIONS: 'bot-operations',
  /** API → campaign worker, FIFO (CAMPAIGN_QUEUE_URL): the steps of /add-campaign, retries and rollbacks. */
  CAMPAIGN: 'campaign',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
