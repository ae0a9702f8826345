import { Injectable } from '@nestjs/common';
import { PrismaService, PrismaTx } from '@app/prisma';

/** Longest a batch's transaction may run before it is rolled back and retried. */
const TRANSACTION_TIMEOUT_MS = 60_000;

export interface ProcessedKey {
  key: string;
  messageId: string;
}

/**
 * Exactly-once effects on top of at-least-once delivery: each message's key is inserted in the
 * same transaction as its effect, so the effect commits together with "processed" or not at all.
 * A concurrent duplicate blocks on the key until the first commits, then sees it and skips.
 */
@Injectable()
export class ProcessedMessageStore {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Runs `effect` for the keys not yet processed, in one transaction with their records.
   * Keys the effect rejects are un-recorded before commit, so they are not taken for done.
   * Returns the keys that were already processed (duplicates) and the effect's result.
   */
  applyOnce<R extends { rejected: string[] }>(
    queue: string,
    keys: ProcessedKey[],
    effect: (fresh: Set<string>, tx: PrismaTx) => Promise<R>,
  ): Promise<{ duplicates: Set<string>; result: R }> {
    // Sorted, so two batches holding the same keys cannot deadlock on them.
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return this.prisma.$transaction(
      async (tx) => {
        const inserted = await tx.$queryRaw<{ key: string }[]>`
          INSERT INTO processed_messages (key, queue, message_id)
          SELECT k, ${queue}, m FROM unnest(${sorted.map((k) => k.key)}::text[], ${sorted.map((k) => k.messageId)}::text[]) AS t(k, m)
          ON CONFLICT (key) DO NOTHING
          RETURNING key`;
        const fresh = new Set(inserted.map((r) => r.key));
        const duplicates = new Set(keys.map((k) => k.key).filter((k) => !fresh.has(k)));
        const result = await effect(fresh, tx);
        if (result.rejected.length > 0) await tx.$executeRaw`DELETE FROM processed_messages WHERE key = ANY(${result.rejected}::text[])`;
        return { duplicates, result };
      },
      // Prisma's 5 s default would abort a slow but healthy handler; visibility is extended meanwhile.
      { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
    );
  }
}
