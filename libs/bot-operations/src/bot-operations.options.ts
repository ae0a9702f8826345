export const BOT_OPERATIONS_OPTIONS = Symbol('BOT_OPERATIONS_OPTIONS');

export const DEFAULT_BOT_OPERATIONS_MAX_ATTEMPTS = 8;
export const DEFAULT_BOT_INVITE_MAX_AGE_SECONDS = 86_400;

/** BotOperationsModule's settings; each names the role that reads it. */
export interface BotOperationsOptions {
  /** Producer. BOT_OPERATIONS_QUEUE_URL: where the outbox sends bot operations. Unset = bot operations are off. */
  queueUrl?: string;
  /** Producer. BOT_OPERATIONS_MAX_ATTEMPTS (8 unless set): the default `maxRetries` of an operation is this minus one. */
  maxAttempts?: number;
  /** Consumer. BOT_INVITE_MAX_AGE_SECONDS (1 day unless set): lifetime of the single-use invite DM'd to a user not in the guild. */
  inviteMaxAgeSeconds?: number;
  /** Producer. The operations table the producer writes in the host's transaction, schema-qualified if need be (`backboneTable('bot_operations')` of `@discord-backbone/prisma`; quoted by the library). Default `bot_operations`. */
  table?: string;
}

export const BOT_WORKER_OPTIONS = Symbol('BOT_WORKER_OPTIONS');

/** The consumer side's settings, defaults filled in. */
export interface BotWorkerOptions {
  inviteMaxAgeSeconds: number;
}
