import { Injectable } from '@nestjs/common';
import { DiscordThreadStatus, SqlTransaction } from '@discord-backbone/prisma';
import { NotFoundError } from '@discord-backbone/queue';
import { ThreadAnswerHandler, ThreadCreatedAnswer, ThreadFailedAnswer } from './thread-answer.handler';

/**
 * This repository's marketplace (the API app) as a host: answers land on the order's or offer
 * session's `discord_thread_links` row, in the consumer's transaction. An answer for something
 * never asked about is a NotFoundError (dead-lettered with the reason).
 */
@Injectable()
export class ThreadLinkAnswerHandler implements ThreadAnswerHandler {
  async threadCreated(answer: ThreadCreatedAnswer, sql: SqlTransaction): Promise<void> {
    const link = await findLink(answer, sql);
    const details = {
      discord_message_id: answer.discordMessageId,
      member_failures: answer.memberFailures.map((f) => ({ ...f })),
      ...(answer.inviteError ? { invite_error: answer.inviteError } : {}),
    };
    await sql.execute(
      `UPDATE discord_thread_links SET status = $3::discord_thread_status, thread_id = $4, invite_code = $5, error = $6, details = $7::jsonb, updated_at = now()
       WHERE entity_type = $1 AND entity_id = $2`,
      [
        link.entity_type,
        link.entity_id,
        answer.memberFailures.length > 0 || answer.inviteError
          ? DiscordThreadStatus.partial
          : DiscordThreadStatus.created,
        answer.threadId,
        answer.inviteCode,
        partialReason(answer.memberFailures, answer.inviteError),
        JSON.stringify(details),
      ],
    );
  }

  async threadFailed(answer: ThreadFailedAnswer, sql: SqlTransaction): Promise<void> {
    const link = await findLink(answer, sql);
    // A late error (answers are not ordered) never undoes a thread that exists: the condition is
    // in the write, so a thread_created committed meanwhile by another replica also wins. The
    // thread may exist even though its creation failed later (e.g. answering timed out).
    await sql.execute(
      `UPDATE discord_thread_links SET status = $3::discord_thread_status, error = $4, thread_id = COALESCE($5, thread_id), updated_at = now()
       WHERE entity_type = $1 AND entity_id = $2 AND status NOT IN ('created', 'partial')`,
      [
        link.entity_type,
        link.entity_id,
        DiscordThreadStatus.failed,
        `${answer.errorClass}: ${answer.errorMessage}`,
        answer.threadId,
      ],
    );
  }
}

/** `entity_type` is ours, not the spec's: without it the id alone finds the link (ids are UUIDs). */
async function findLink(
  answer: { entityId: string; entityType: string | undefined },
  sql: SqlTransaction,
): Promise<{ entity_type: string; entity_id: string }> {
  const [link] = await sql.query<{ entity_type: string; entity_id: string }>(
    'SELECT entity_type, entity_id FROM discord_thread_links WHERE entity_id = $1 AND ($2::text IS NULL OR entity_type = $2) LIMIT 1',
    [answer.entityId, answer.entityType ?? null],
  );
  if (!link)
    throw new NotFoundError(
      `No ${answer.entityType ?? 'order or offer session'} ${answer.entityId} asked for a Discord thread`,
    );
  return link;
}

function partialReason(
  failures: { discord_id: string; reason: string }[],
  inviteError: string | undefined,
): string | null {
  const parts = [
    ...failures.map((f) => `member ${f.discord_id} not added: ${f.reason}`),
    ...(inviteError ? [`no invite: ${inviteError}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : null;
}
