export const THREAD_INVITE_OPTIONS = Symbol('THREAD_INVITE_OPTIONS');

/** The invite create_thread answers with (to the thread's channel, for members not yet in the server). */
export interface ThreadInviteOptions {
  /** DISCORD_THREAD_INVITE_MAX_AGE_SECONDS: it expires after this (Discord allows up to 7 days). */
  maxAgeSeconds: number;
}
