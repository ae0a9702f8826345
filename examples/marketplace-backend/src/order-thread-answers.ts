import { Injectable } from '@nestjs/common';
import {
  ThreadAnswerHandler,
  type ThreadCreatedAnswer,
  type ThreadFailedAnswer,
} from '@discord-backbone/order-threads';
import type { SqlTransaction } from '@discord-backbone/prisma';
import { NotFoundError } from '@discord-backbone/queue';

/**
 * The bot's answers to our create_thread requests, stored on our orders. They run in the
 * backbone's consumer transaction (same database, the marketplace's `public` schema), which also
 * records the answer as processed: a redelivered answer never reaches us twice.
 */
@Injectable()
export class OrderThreadAnswers extends ThreadAnswerHandler {
  async threadCreated(answer: ThreadCreatedAnswer, tx: SqlTransaction): Promise<void> {
    const updated = await tx.execute(
      'UPDATE public.orders SET discord_thread_id = $1, thread_failure = NULL WHERE id = $2',
      [answer.threadId, answer.entityId],
    );
    if (updated === 0) throw new NotFoundError(`No order ${answer.entityId}`);
  }

  async threadFailed(answer: ThreadFailedAnswer, tx: SqlTransaction): Promise<void> {
    const updated = await tx.execute(
      'UPDATE public.orders SET thread_failure = $1 WHERE id = $2 AND discord_thread_id IS NULL',
      [answer.errorMessage, answer.entityId],
    );
    if (updated === 0) throw new NotFoundError(`No order ${answer.entityId} without a thread`);
  }
}
