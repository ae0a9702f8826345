import type { SqlTransaction } from '@app/prisma';
import type { Rejections } from '@app/queue';

/** Applies a batch of events of one type inside the given transaction. */
export interface PrizeHandler<E> {
  handleBatch(events: E[], sql: SqlTransaction): Promise<Rejections>;
}
