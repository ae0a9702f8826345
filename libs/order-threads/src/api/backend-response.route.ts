import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { BACKEND_RESPONSE_CLASSES, BackendResponseMessage, BackendResponseType, DiscordQueueMessageType, QueueName } from '@app/contracts';
import { DiscordRequestStatus, DiscordThreadStatus, Prisma, PrismaTx } from '@app/prisma';
import { decodeByType, MessageRoute, NotFoundError, originalMessageId, Rejections } from '@app/queue';

/**
 * Applies the bot's answers (BACKEND_QUEUE_URL) to the backend's records: thread id and invite
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

  async applyBatch(responses: BackendResponseMessage[], tx: PrismaTx): Promise<Rejections> {
    const rejections: Rejections = new Map();
    for (const [index, response] of responses.entries()) {
      const error = isThreadAnswer(response) ? await this.applyThread(response, tx) : await this.applyRequest(response, tx);
      if (error) rejections.set(index, error);
    }
    return rejections;
  }

  private async applyThread({ type, payload, metadata }: BackendResponseMessage, tx: PrismaTx): Promise<NotFoundError | undefined> {
    // `entity_type` is ours, not the spec's: without it the id alone finds the link (ids are UUIDs).
    const link = await tx.discordThreadLink.findFirst({
      where: { entityId: metadata.original_order_id, ...(metadata.entity_type ? { entityType: metadata.entity_type } : {}) },
    });
    if (!link) return new NotFoundError(`No ${metadata.entity_type ?? 'order or offer session'} ${metadata.original_order_id} asked for a Discord thread`);
    const where = { entityType: link.entityType, entityId: link.entityId };
    if (type === BackendResponseType.ERROR) {
      // A late error (answers are not ordered) never undoes a thread that exists: the condition is
      // in the write, so a thread_created committed meanwhile by another replica also wins.
      await tx.discordThreadLink.updateMany({
        where: { ...where, status: { notIn: [DiscordThreadStatus.created, DiscordThreadStatus.partial] } },
        data: {
          status: DiscordThreadStatus.failed,
          error: `${payload.error_class ?? 'Error'}: ${payload.error_message ?? ''}`,
          // The thread may exist even though its creation failed later (e.g. answering timed out).
          ...(payload.thread_id ? { threadId: payload.thread_id } : {}),
        },
      });
      return undefined;
    }
    const data: Prisma.DiscordThreadLinkUpdateInput = {
      status: payload.member_failures?.length || payload.invite_error ? DiscordThreadStatus.partial : DiscordThreadStatus.created,
      threadId: payload.thread_id ?? null,
      inviteCode: payload.invite_code ?? null,
      error: partialReason(payload.member_failures ?? [], payload.invite_error),
      details: {
        discord_message_id: metadata.discord_message_id,
        member_failures: (payload.member_failures ?? []).map((f) => ({ ...f })),
        ...(payload.invite_error ? { invite_error: payload.invite_error } : {}),
      },
    };
    await tx.discordThreadLink.update({ where: { entityType_entityId: where }, data });
    return undefined;
  }

  private async applyRequest({ type, payload, metadata }: BackendResponseMessage, tx: PrismaTx): Promise<NotFoundError | undefined> {
    if (!metadata.request_id) return new NotFoundError(`A ${type} answer without metadata.request_id cannot be correlated`);
    const failed = type === BackendResponseType.ERROR;
    const { count } = await tx.discordRequest.updateMany({
      where: { id: metadata.request_id, entityId: metadata.original_order_id },
      data: { status: failed ? DiscordRequestStatus.failed : DiscordRequestStatus.done, error: failed ? `${payload.error_class ?? 'Error'}: ${payload.error_message ?? ''}` : null },
    });
    return count === 0 ? new NotFoundError(`No ${metadata.request_type ?? 'request'} ${metadata.request_id} for ${metadata.original_order_id}`) : undefined;
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
