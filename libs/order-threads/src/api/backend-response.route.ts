import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { BACKEND_RESPONSE_CLASSES, BackendResponseMessage, BackendResponseType, DiscordQueueMessageType, QueueName } from '@discord-backbone/contracts';
import { DiscordRequestStatus, DiscordThreadStatus, SqlTransaction } from '@discord-backbone/prisma';
import { decodeByType, MessageRoute, NotFoundError, originalMessageId, Rejections } from '@discord-backbone/queue';

/**
 * Applies the bot's answers (BACKEND_QUEUE_URL) to the backend's records (in the batch's plain-SQL
 * transaction, as every batch consumer does): thread id and invite
 * code on the order's or offer session's thread link, and each Phase 4 request's outcome.
 * Correlates by `metadata.original_order_id` (and `request_id`); an answer for something the
 * backend never asked about goes to the DLQ with the reason. Applying an answer twice writes
 * the same values, and the pipeline's processed-message key makes a redelivery a no-op anyway.
 */
@Injectable()
export class BackendResponseRoute implements MessageRoute<BackendResponseMessage> {
  readonly consumer = QueueName.BACKEND;

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

  private async applyThread({ type, payload, metadata }: BackendResponseMessage, sql: SqlTransaction): Promise<NotFoundError | undefined> {
    // `entity_type` is ours, not the spec's: without it the id alone finds the link (ids are UUIDs).
    const [link] = await sql.query<{ entity_type: string; entity_id: string }>(
      'SELECT entity_type, entity_id FROM discord_thread_links WHERE entity_id = $1 AND ($2::text IS NULL OR entity_type = $2) LIMIT 1',
      [metadata.original_order_id, metadata.entity_type ?? null],
    );
    if (!link) return new NotFoundError(`No ${metadata.entity_type ?? 'order or offer session'} ${metadata.original_order_id} asked for a Discord thread`);
    if (type === BackendResponseType.ERROR) {
      // A late error (answers are not ordered) never undoes a thread that exists: the condition is
      // in the write, so a thread_created committed meanwhile by another replica also wins. The
      // thread may exist even though its creation failed later (e.g. answering timed out).
      await sql.execute(
        `UPDATE discord_thread_links SET status = $3::discord_thread_status, error = $4, thread_id = COALESCE($5, thread_id), updated_at = now()
         WHERE entity_type = $1 AND entity_id = $2 AND status NOT IN ('created', 'partial')`,
        [link.entity_type, link.entity_id, DiscordThreadStatus.failed, `${payload.error_class ?? 'Error'}: ${payload.error_message ?? ''}`, payload.thread_id ?? null],
      );
      return undefined;
    }
    const details = {
      discord_message_id: metadata.discord_message_id,
      member_failures: (payload.member_failures ?? []).map((f) => ({ ...f })),
      ...(payload.invite_error ? { invite_error: payload.invite_error } : {}),
    };
    await sql.execute(
      `UPDATE discord_thread_links SET status = $3::discord_thread_status, thread_id = $4, invite_code = $5, error = $6, details = $7::jsonb, updated_at = now()
       WHERE entity_type = $1 AND entity_id = $2`,
      [
        link.entity_type,
        link.entity_id,
        payload.member_failures?.length || payload.invite_error ? DiscordThreadStatus.partial : DiscordThreadStatus.created,
        payload.thread_id ?? null,
        payload.invite_code ?? null,
        partialReason(payload.member_failures ?? [], payload.invite_error),
        JSON.stringify(details),
      ],
    );
    return undefined;
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

function partialReason(failures: { discord_id: string; reason: string }[], inviteError: string | undefined): string | null {
  const parts = [...failures.map((f) => `member ${f.discord_id} not added: ${f.reason}`), ...(inviteError ? [`no invite: ${inviteError}`] : [])];
  return parts.length > 0 ? parts.join('; ') : null;
}
