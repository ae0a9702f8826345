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
  /**
   * Consumer. The host's tables the worker reads to decide whether a user should have access to a
   * channel (invite, remove, verify permissions), by their names in the host's database (`table`
   * or `schema.table`). Each defaults to this repository's own table.
   */
  tables?: Partial<MembershipTableNames>;
  /** Producer. The operations table the producer writes in the host's transaction, schema-qualified if need be (`backboneTable('bot_operations')` of `@discord-backbone/prisma`; quoted by the library). Default `bot_operations`. */
  table?: string;
}

/**
 * The host's membership tables, by name; their columns are the contract (docs/host.md "The host's
 * transaction, the host's tables"). A table shaped otherwise can be an updatable view over it.
 */
export interface MembershipTableNames {
  /** channel_id (unique), guild_id, role_id (null: access by member overwrite), kick_on_remove (boolean). Default `subscription_channels`. */
  subscriptionChannels: string;
  /** channel_id, user_id, status (`'active'`: the user should have access). Default `subscriptions`. */
  subscriptions: string;
  /** id, discord_user_id. Default `users` (the same table as PrizesOptions' `users`). */
  users: string;
}

export const BOT_WORKER_OPTIONS = Symbol('BOT_WORKER_OPTIONS');

/** The consumer side's settings, defaults filled in. */
export interface BotWorkerOptions {
  inviteMaxAgeSeconds: number;
}
