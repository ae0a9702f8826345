export const ORDER_THREADS_OPTIONS = Symbol('ORDER_THREADS_OPTIONS');

export const DEFAULT_THREAD_INVITE_MAX_AGE_SECONDS = 86_400;
/** Discord's own request timeout (DiscordOptions.requestTimeoutMs) unless set. */
export const DEFAULT_DISCORD_REQUEST_TIMEOUT_MS = 15_000;

/**
 * OrderThreadsModule's settings. The producer role needs none (messages leave through the
 * outbox's `discord` destination); each setting here is the consumer's.
 */
export interface OrderThreadsOptions {
  /** BACKEND_QUEUE_URL: where the answers (`thread_created`, `*_failed`) are sent. Required in the consumer role. */
  backendQueueUrl?: string;
  /** DISCORD_THREAD_INVITE_MAX_AGE_SECONDS (1 day unless set): the invite create_thread answers with expires after this (Discord allows up to 7 days). */
  threadInviteMaxAgeSeconds?: number;
  /** DISCORD_THREAD_PUBLIC_FALLBACK: a public thread where Discord refuses a private one (it exposes the order to the channel). Off unless set. */
  publicThreadFallback?: boolean;
  /** DISCORD_REQUEST_TIMEOUT_MS of the app's Discord client (15 s unless set): sizes create_thread's lease. */
  discordRequestTimeoutMs?: number;
}

export const THREAD_WORKER_OPTIONS = Symbol('THREAD_WORKER_OPTIONS');

/** The consumer side's settings, checked and with defaults filled in. */
export interface ThreadWorkerOptions {
  backendQueueUrl: string;
  inviteMaxAgeSeconds: number;
  publicThreadFallback: boolean;
  discordRequestTimeoutMs: number;
}

export function threadWorkerOptions(options: OrderThreadsOptions): ThreadWorkerOptions {
  if (!options.backendQueueUrl)
    throw new Error(
      'OrderThreadsModule (consumer role): backendQueueUrl (BACKEND_QUEUE_URL) is required, the answers go there',
    );
  return {
    backendQueueUrl: options.backendQueueUrl,
    inviteMaxAgeSeconds: options.threadInviteMaxAgeSeconds ?? DEFAULT_THREAD_INVITE_MAX_AGE_SECONDS,
    publicThreadFallback: options.publicThreadFallback ?? false,
    discordRequestTimeoutMs: options.discordRequestTimeoutMs ?? DEFAULT_DISCORD_REQUEST_TIMEOUT_MS,
  };
}
