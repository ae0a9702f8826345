import type { Message } from '@aws-sdk/client-sqs';
import { Injectable } from '@nestjs/common';
import { BackendResponseMessage, BackendResponseType, DiscordQueueMessageType, QueueName } from '@app/contracts';
import { DiscordRequestStatus, DiscordThreadStatus, Prisma, PrismaTx } from '@app/prisma';
import { decodePayload, MessageRoute, NotFoundError, originalMessageId, Rejections } from '@app/queue';

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
    return decodePayload(BackendResponseMessage, body);
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
      const error = response.metadata.request_type === DiscordQueueMessageType.CREATE_THREAD ? await this.applyThread(response, tx) : await this.applyRequest(response, tx);
      if (error) rejections.set(index, error);
    }
    return rejections;
  }

  private async applyThread({ type, payload, metadata }: BackendResponseMessage, tx: PrismaTx): Promise<NotFoundError | undefined> {
    const where = { entityType: metadata.entity_type, entityId: metadata.original_order_id };
    const data: Prisma.DiscordThreadLinkUpdateManyMutationInput =
      type === BackendResponseType.ERROR
        ? { status: DiscordThreadStatus.failed, error: `${payload.error_class ?? 'Error'}: ${payload.error_message ?? ''}` }
        : {
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
    const { count } = await tx.discordThreadLink.updateMany({ where, data });
    return count === 0 ? new NotFoundError(`No ${metadata.entity_type} ${metadata.original_order_id} asked for a Discord thread`) : undefined;
  }

  private async applyRequest({ type, payload, metadata }: BackendResponseMessage, tx: PrismaTx): Promise<NotFoundError | undefined> {
    if (!metadata.request_id) return new NotFoundError(`A ${metadata.request_type} answer without metadata.request_id cannot be correlated`);
    const failed = type === BackendResponseType.ERROR;
    const { count } = await tx.discordRequest.updateMany({
      where: { id: metadata.request_id, entityType: metadata.entity_type, entityId: metadata.original_order_id },
      data: { status: failed ? DiscordRequestStatus.failed : DiscordRequestStatus.done, error: failed ? `${payload.error_class ?? 'Error'}: ${payload.error_message ?? ''}` : null },
    });
    return count === 0 ? new NotFoundError(`No ${metadata.request_type} request ${metadata.request_id} for ${metadata.entity_type} ${metadata.original_order_id}`) : undefined;
  }
}

function partialReason(failures: { discord_id: string; reason: string }[], inviteError: string | undefined): string | null {
  const parts = [...failures.map((f) => `member ${f.discord_id} not added: ${f.reason}`), ...(inviteError ? [`no invite: ${inviteError}`] : [])];
  return parts.length > 0 ? parts.join('; ') : null;
}
