import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import {
  BACKEND_QUEUE,
  BackendResponseMessage,
  BackendResponseType,
  DiscordQueueMessageType,
  QueueName,
} from '@discord-backbone/contracts';
import type { SqlTransaction } from '@discord-backbone/prisma';
import {
  BatchRoute,
  decodeByType,
  NotFoundError,
  originalMessageId,
  PermanentError,
  Rejections,
} from '@discord-backbone/queue';
import { RequestAnswerHandler } from './request-answer.handler';
import { ThreadAnswerHandler } from './thread-answer.handler';

/**
 * Applies the bot's answers (BACKEND_QUEUE_URL) in the batch's plain-SQL transaction, as every
 * batch consumer does: thread answers go to the host's ThreadAnswerHandler and Phase 4 answers to
 * its RequestAnswerHandler (the host owns its orders). Correlates by
 * `metadata.original_order_id` (and `request_id`); an answer for something the backend never
 * asked about goes to the DLQ with the reason. The pipeline's processed-message key, recorded in
 * the same transaction, makes a redelivery a no-op.
 */
@Injectable()
export class BackendResponseRoute implements BatchRoute<BackendResponseMessage> {
  readonly consumer = QueueName.BACKEND;

  constructor(
    private readonly threadAnswers: ThreadAnswerHandler,
    private readonly requestAnswers: RequestAnswerHandler,
  ) {}

  decode(body: unknown): BackendResponseMessage {
    return decodeByType(body, BACKEND_QUEUE);
  }

  idempotencyKey(_response: BackendResponseMessage, message: Message): string {
    return `${this.consumer}:message:${originalMessageId(message)}`;
  }

  typeOf(response: BackendResponseMessage): string {
    return response.type;
  }

  async applyBatch(responses: BackendResponseMessage[], sql: SqlTransaction): Promise<Rejections> {
    const rejections: Rejections = new Map();
    for (const [index, response] of responses.entries()) {
      const error = isThreadAnswer(response)
        ? await this.applyThread(response, sql)
        : await this.applyRequest(response, sql);
      if (error) rejections.set(index, error);
    }
    return rejections;
  }

  /** Hands a thread answer to the host's handler; a PermanentError it throws rejects that answer alone. */
  private applyThread(response: BackendResponseMessage, sql: SqlTransaction): Promise<PermanentError | undefined> {
    const { type, payload, metadata } = response;
    const about = {
      entityId: metadata.original_order_id,
      entityType: metadata.entity_type,
      threadId: payload.thread_id ?? null,
      response,
    };
    return rejection(() =>
      type === BackendResponseType.ERROR
        ? this.threadAnswers.threadFailed(
            { ...about, errorClass: payload.error_class ?? 'Error', errorMessage: payload.error_message ?? '' },
            sql,
          )
        : this.threadAnswers.threadCreated(
            {
              ...about,
              inviteCode: payload.invite_code ?? null,
              memberFailures: payload.member_failures ?? [],
              inviteError: payload.invite_error,
              discordMessageId: metadata.discord_message_id ?? null,
            },
            sql,
          ),
    );
  }

  /** Hands a Phase 4 answer to the host's handler; one that names no request cannot be correlated. */
  private async applyRequest(
    response: BackendResponseMessage,
    sql: SqlTransaction,
  ): Promise<PermanentError | undefined> {
    const { type, payload, metadata } = response;
    if (!metadata.request_id)
      return new NotFoundError(`A ${type} answer without metadata.request_id cannot be correlated`);
    const about = {
      requestId: metadata.request_id,
      entityId: metadata.original_order_id,
      requestType: metadata.request_type,
      response,
    };
    return rejection(() =>
      type === BackendResponseType.ERROR
        ? this.requestAnswers.requestFailed(
            { ...about, errorClass: payload.error_class ?? 'Error', errorMessage: payload.error_message ?? '' },
            sql,
          )
        : this.requestAnswers.requestDone({ ...about, type }, sql),
    );
  }
}

/** Runs a host handler: a PermanentError it throws rejects that answer alone; anything else fails the batch (retried). */
async function rejection(handle: () => Promise<void>): Promise<PermanentError | undefined> {
  try {
    await handle();
    return undefined;
  } catch (error) {
    if (error instanceof PermanentError) return error;
    throw error;
  }
}

/**
 * Whether the answer is about the thread itself: our `request_type` says so; without it (the
 * spec's shape) `thread_created` is, and so is an error without a request id.
 */
function isThreadAnswer({ type, metadata }: BackendResponseMessage): boolean {
  if (metadata.request_type) return metadata.request_type === DiscordQueueMessageType.CREATE_THREAD;
  return type === BackendResponseType.THREAD_CREATED || (type === BackendResponseType.ERROR && !metadata.request_id);
}
