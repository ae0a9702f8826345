import { Injectable } from '@nestjs/common';
import { PrismaService, PrismaTx } from '@app/prisma';

/** Longest a message's transaction may run before it is rolled back and retried. */
const TRANSACTION_TIMEOUT_MS = 60_000;

export type ApplyResult = 'applied' | 'duplicate';

/**
 * Exactly-once effects on top of at-least-once delivery: the message's key is inserted in the
 * same transaction as its effect, so the effect commits together with "processed" or not at all.
 * A concurrent duplicate blocks on the key until the first commits, then sees it and skips.
 */
@Injectable()
export class ProcessedMessageStore {
  constructor(private readonly prisma: PrismaService) {}

  applyOnce(key: string, meta: { queue: string; messageId: string }, effect: (tx: PrismaTx) => Promise<void>): Promise<ApplyResult> {
    return this.prisma.$transaction(
      async (tx) => {
        const inserted = await tx.$executeRaw`
          INSERT INTO processed_messages (key, queue, message_id) VALUES (${key}, ${meta.queue}, ${meta.messageId})
          ON CONFLICT (key) DO NOTHING`;
        if (inserted === 0) return 'duplicate';
        await effect(tx);
        return 'applied';
      },
      // Prisma's 5 s default would abort a slow but healthy handler; visibility is extended meanwhile.
      { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
    );
  }
}
