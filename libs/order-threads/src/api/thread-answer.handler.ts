import type { BackendResponseMessage, MemberFailure, ThreadEntityType } from '@discord-backbone/contracts';
import type { SqlTransaction } from '@discord-backbone/prisma';

/** The bot created the thread asked for (possibly without some members or the invite). */
export interface ThreadCreatedAnswer {
  /** The order or offer session id the host sent in create_thread (`metadata.order_id`). */
  entityId: string;
  /** Set by this project's bot; absent in the spec's own answer shape. */
  entityType: ThreadEntityType | undefined;
  threadId: string | null;
  inviteCode: string | null;
  /** Members the bot could not add, and why: the thread exists without them. */
  memberFailures: MemberFailure[];
  /** Why no invite could be made, when none was. */
  inviteError: string | undefined;
  /** The welcome message the bot posted in the thread. */
  discordMessageId: string | null;
  /** The answer as it came, for anything not lifted above. */
  response: BackendResponseMessage;
}

/** The bot gave up creating the thread. */
export interface ThreadFailedAnswer {
  entityId: string;
  entityType: ThreadEntityType | undefined;
  errorClass: string;
  errorMessage: string;
  /** The thread may exist even so (creating it worked, answering timed out later). */
  threadId: string | null;
  response: BackendResponseMessage;
}

/**
 * What the host does with the bot's answers to its create_thread requests: store the thread id
 * on its order, mark it failed. Implemented by the host and given to
 * BackendResponseConsumerModule.forRoot; its own dependencies come from the `imports` given there.
 *
 * Each call runs inside the consumer's transaction `tx`, on the database the project's tables
 * live in, which also records the answer as processed: writes made through `tx` commit exactly
 * once with it, and a redelivered answer does not reach the handler again. Writes made elsewhere
 * (another connection) must be idempotent: a batch that fails is rolled back and retried.
 * Throw a PermanentError (e.g. NotFoundError from @discord-backbone/queue), before writing
 * anything, for an answer about something the host never asked for: it is dead-lettered with
 * the reason. Any other error retries the answer.
 */
export abstract class ThreadAnswerHandler {
  abstract threadCreated(answer: ThreadCreatedAnswer, tx: SqlTransaction): Promise<void>;
  abstract threadFailed(answer: ThreadFailedAnswer, tx: SqlTransaction): Promise<void>;
}
