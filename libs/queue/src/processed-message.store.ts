import { Injectable } from '@nestjs/common';
import { PrismaService, PrismaTx } from '@app/prisma';

/** Longest a batch's transaction may run before it is rolled back and retried. */
const TRANSACTION_TIMEOUT_MS = 60_000;

export interface ProcessedKey {
  key: string;
  messageId: string;
  payloadHash: string;
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
   * Returns the keys that were already processed (duplicates, with the payload hash they were
   * applied with) and the effect's result.
   */
  applyOnce<R extends { rejected: string[] }>(
    queue: string,
    keys: ProcessedKey[],
    effect: (fresh: Set<string>, tx: PrismaTx) => Promise<R>,
  ): Promise<{ duplicates: Map<string, string | null>; result: R }> {
    // Sorted, so two batches holding the same keys cannot deadlock on them.
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return this.prisma.$transaction(
      async (tx) => {
        const inserted = await tx.$queryRaw<{ key: string }[]>`
          INSERT INTO processed_messages (key, queue, message_id, payload_hash)
          SELECT k, ${queue}, m, h
          FROM unnest(${sorted.map((k) => k.key)}::text[], ${sorted.map((k) => k.messageId)}::text[], ${sorted.map((k) => k.payloadHash)}::text[]) AS t(k, m, h)
          ON CONFLICT (key) DO NOTHING
          RETURNING key`;
        const fresh = new Set(inserted.map((r) => r.key));
        const duplicates = await this.appliedHashes(tx, keys.map((k) => k.key).filter((k) => !fresh.has(k)));
        const result = await effect(fresh, tx);
        if (result.rejected.length > 0) await tx.$executeRaw`DELETE FROM processed_messages WHERE key = ANY(${result.rejected}::text[])`;
        return { duplicates, result };
      },
      // Prisma's 5 s default would abort a slow but healthy handler; visibility is extended meanwhile.
      { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
    );
  }

  private async appliedHashes(tx: PrismaTx, keys: string[]): Promise<Map<string, string | null>> {
    if (keys.length === 0) return new Map();
    const rows = await tx.$queryRaw<{ key: string; payload_hash: string | null }[]>`
      SELECT key, payload_hash FROM processed_messages WHERE key = ANY(${keys}::text[])`;
    return new Map(rows.map((r) => [r.key, r.payload_hash]));
  }
}
