import type { BackendResponseMessage, BackendResponseType } from '@discord-backbone/contracts';
import type { SqlTransaction } from '@discord-backbone/prisma';

/** What every answer to a Phase 4 request (update_order_status, assign_user, forward_chat_message) carries. */
interface RequestAnswer {
  /** The `requestId` the host gave DiscordQueueProducer (`metadata.request_id`). */
  requestId: string;
  /** The order or offer session it was about (`metadata.original_order_id`). */
  entityId: string;
  /** The request's type (`metadata.request_type`: update_order_status, assign_user, …); absent in the spec's answer shape. */
  requestType: string | undefined;
  /** The answer as it came, for anything not lifted above. */
  response: BackendResponseMessage;
}

/** The bot did what was asked: order_status_updated, user_assigned or chat_message_forwarded. */
export interface RequestDoneAnswer extends RequestAnswer {
  type: Exclude<BackendResponseType, BackendResponseType.ERROR>;
}

/** The bot gave up on the request. */
export interface RequestFailedAnswer extends RequestAnswer {
  errorClass: string;
  errorMessage: string;
}

/**
 * What the host does with the bot's answers to its Phase 4 requests: mark its status change,
 * assignment or forwarded chat message done or failed. Given to
 * BackendResponseConsumerModule.forRoot as `requestAnswers`, with the same contract as
 * ThreadAnswerHandler: each call runs in the consumer's transaction `tx` (which also records the
 * answer as processed, so a redelivered answer never reaches it again), and a PermanentError
 * (e.g. NotFoundError) thrown before writing anything dead-letters that answer with the reason.
 * Unless told otherwise the module uses DiscordRequestAnswerHandler, which completes the
 * `discord_requests` rows of this repository's reference orders API.
 */
export abstract class RequestAnswerHandler {
  abstract requestDone(answer: RequestDoneAnswer, tx: SqlTransaction): Promise<void>;
  abstract requestFailed(answer: RequestFailedAnswer, tx: SqlTransaction): Promise<void>;
}
