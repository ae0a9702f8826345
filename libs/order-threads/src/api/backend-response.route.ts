import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { BACKEND_RESPONSE_CLASSES, BackendResponseMessage, BackendResponseType, DiscordQueueMessageType, QueueName } from '@discord-backbone/contracts';
import { DiscordRequestStatus, SqlTransaction } from '@discord-backbone/prisma';
import { decodeByType, MessageRoute, NotFoundError, originalMessageId, PermanentError, Rejections } from '@discord-backbone/queue';
import { ThreadAnswerHandler } from './thread-answer.handler';

/**
 * Applies the bot's answers (BACKEND_QUEUE_URL) in the batch's plain-SQL transaction, as every
 * batch consumer does: thread answers go to the host's ThreadAnswerHandler (the host owns its
 * orders), each Phase 4 request's outcome to its `discord_requests` row. Correlates by
 * `metadata.original_order_id` (and `request_id`); an answer for something the backend never
 * asked about goes to the DLQ with the reason. The pipeline's processed-message key, recorded in
 * the same transaction, makes a redelivery a no-op.
 */
@Injectable()
export class BackendResponseRoute implements MessageRoute<BackendResponseMessage> {
  readonly consumer = QueueName.BACKEND;

  constructor(private readonly threadAnswers: ThreadAnswerHandler) {}

  decode(body: unknown): BackendResponseMessage {
    return decodeByType(body, { discriminator: 'type', classes: BACKEND_RESPONSE_CLASSES, what: 'response type' });
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
      const error = isThreadAnswer(response) ? await this.applyThread(response, sql) : await this.applyRequest(response, sql);
      if (error) rejections.set(index, error);
    }
    return rejections;
  }

  /** Hands a thread answer to the host's handler; a PermanentError it throws rejects that answer alone. */
  private async applyThread(response: BackendResponseMessage, sql: SqlTransaction): Promise<PermanentError | undefined> {
    const { type, payload, metadata } = response;
    const about = { entityId: metadata.original_order_id, entityType: metadata.entity_type, threadId: payload.thread_id ?? null, response };
    try {
      if (type === BackendResponseType.ERROR) {
        await this.threadAnswers.threadFailed({ ...about, errorClass: payload.error_class ?? 'Error', errorMessage: payload.error_message ?? '' }, sql);
      } else {
        await this.threadAnswers.threadCreated(
          {
            ...about,
            inviteCode: payload.invite_code ?? null,
            memberFailures: payload.member_failures ?? [],
            inviteError: payload.invite_error,
            discordMessageId: metadata.discord_message_id ?? null,
          },
          sql,
        );
      }
      return undefined;
    } catch (error) {
      if (error instanceof PermanentError) return error;
      throw error;
    }
  }

  private async applyRequest({ type, payload, metadata }: BackendResponseMessage, sql: SqlTransaction): Promise<NotFoundError | undefined> {
    if (!metadata.request_id) return new NotFoundError(`A ${type} answer without metadata.request_id cannot be correlated`);
    const failed = type === BackendResponseType.ERROR;
    const updated = await sql.execute('UPDATE discord_requests SET status = $3::discord_request_status, error = $4, updated_at = now() WHERE id = $1 AND entity_id = $2', [
      metadata.request_id,
      metadata.original_order_id,
      failed ? DiscordRequestStatus.failed : DiscordRequestStatus.done,
      failed ? `${payload.error_class ?? 'Error'}: ${payload.error_message ?? ''}` : null,
    ]);
    return updated === 0 ? new NotFoundError(`No ${metadata.request_type ?? 'request'} ${metadata.request_id} for ${metadata.original_order_id}`) : undefined;
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
