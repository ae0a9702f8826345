import { Injectable } from '@nestjs/common';
import { BackendResponseType } from '@discord-backbone/contracts';
import {
  RequestAnswerHandler,
  type RequestDoneAnswer,
  type RequestFailedAnswer,
} from '@discord-backbone/order-threads';
import type { SqlTransaction } from '@discord-backbone/prisma';
import { NotFoundError } from '@discord-backbone/queue';

/**
 * The bot's answers to our Phase 4 requests. We only send update_order_status: its answer says
 * the status is posted in the order's thread (or why not), stored on the order that asked, in the
 * backbone's consumer transaction like OrderThreadAnswers. An answer to a request we did not make
 * (or no longer wait for: a later change superseded it) is dead-lettered with the reason.
 */
@Injectable()
export class OrderRequestAnswers extends RequestAnswerHandler {
  async requestDone(answer: RequestDoneAnswer, tx: SqlTransaction): Promise<void> {
    if (answer.type !== BackendResponseType.ORDER_STATUS_UPDATED)
      throw new NotFoundError(`We never send ${answer.requestType ?? answer.type} requests`);
    const updated = await tx.execute(
      'UPDATE public.orders SET discord_status = $1, status_failure = NULL WHERE id = $2 AND status_request_id = $3',
      [answer.response.payload.status, answer.entityId, answer.requestId],
    );
    if (updated === 0)
      throw new NotFoundError(`Order ${answer.entityId} is not waiting for status request ${answer.requestId}`);
  }

  async requestFailed(answer: RequestFailedAnswer, tx: SqlTransaction): Promise<void> {
    const updated = await tx.execute(
      'UPDATE public.orders SET status_failure = $1 WHERE id = $2 AND status_request_id = $3',
      [`${answer.errorClass}: ${answer.errorMessage}`, answer.entityId, answer.requestId],
    );
    if (updated === 0)
      throw new NotFoundError(`Order ${answer.entityId} is not waiting for status request ${answer.requestId}`);
  }
}
