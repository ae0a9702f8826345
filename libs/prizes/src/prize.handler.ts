import type { SqlTransaction } from '@discord-backbone/prisma';
import type { Rejections } from '@discord-backbone/queue';

/** Applies a batch of events of one type inside the given transaction. */
export interface PrizeHandler<E> {
  handleBatch(events: E[], sql: SqlTransaction): Promise<Rejections>;
}
