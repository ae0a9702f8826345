import { Injectable } from '@nestjs/common';
import { DiscordRequestStatus, SqlTransaction } from '@discord-backbone/prisma';
import { NotFoundError } from '@discord-backbone/queue';
import { RequestAnswerHandler, RequestDoneAnswer, RequestFailedAnswer } from './request-answer.handler';

/**
 * This repository's reference orders API as a host (the default `requestAnswers`): each answer
 * completes the `discord_requests` row the API created with the request. An answer for a request
 * it never made is a NotFoundError (dead-lettered with the reason).
 */
@Injectable()
export class DiscordRequestAnswerHandler implements RequestAnswerHandler {
  async requestDone(answer: RequestDoneAnswer, sql: SqlTransaction): Promise<void> {
    await complete(answer, sql, DiscordRequestStatus.done, null);
  }

  async requestFailed(answer: RequestFailedAnswer, sql: SqlTransaction): Promise<void> {
    await complete(answer, sql, DiscordRequestStatus.failed, `${answer.errorClass}: ${answer.errorMessage}`);
  }
}

async function complete(
  answer: RequestDoneAnswer | RequestFailedAnswer,
  sql: SqlTransaction,
  status: DiscordRequestStatus,
  error: string | null,
): Promise<void> {
  const updated = await sql.execute(
    'UPDATE discord_requests SET status = $3::discord_request_status, error = $4, updated_at = now() WHERE id = $1 AND entity_id = $2',
    [answer.requestId, answer.entityId, status, error],
  );
  if (updated === 0)
    throw new NotFoundError(`No ${answer.requestType ?? 'request'} ${answer.requestId} for ${answer.entityId}`);
}
