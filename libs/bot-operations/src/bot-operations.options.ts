export const BOT_OPERATIONS_OPTIONS = Symbol('BOT_OPERATIONS_OPTIONS');

/** What the producer needs of the configuration (from Environment; tests pass their own). */
export interface BotOperationsOptions {
  /** BOT_OPERATIONS_QUEUE_URL: where the outbox relay sends bot operations. Unset = bot operations are off. */
  queueUrl?: string;
  /** BOT_OPERATIONS_MAX_ATTEMPTS: the default `maxRetries` of an operation is this minus one. */
  maxAttempts: number;
  /** The operations table the producer writes in the host's transaction, schema-qualified if need be. Default `bot_operations`. */
  table?: string;
}

export const BOT_WORKER_OPTIONS = Symbol('BOT_WORKER_OPTIONS');

export interface BotWorkerOptions {
  /** BOT_INVITE_MAX_AGE_SECONDS: lifetime of the single-use invite DM'd to a user not in the guild. */
  inviteMaxAgeSeconds: number;
}
