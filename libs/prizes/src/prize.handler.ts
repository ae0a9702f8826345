import type { PrismaTx } from '@app/prisma';
import type { PrizeEventDto } from '@app/contracts';

/** A handler for one prize event type; it applies the effect inside the given transaction. */
export interface PrizeHandler {
  handle(event: PrizeEventDto, tx: PrismaTx): Promise<void>;
}
