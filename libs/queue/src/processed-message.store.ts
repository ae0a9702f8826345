import { Injectable } from '@nestjs/common';
import { PrismaService, SqlTransaction } from '@discord-backbone/prisma';

export interface ProcessedKey {
  key: string;
  messageId: string;
  payloadHash: string;
}

/**
 * Exactly-once effects on top of at-least-once delivery: each message's key is inserted in the
 * same transaction as its effect, so the effect commits together with "processed" or not at all.
 * A concurrent duplicate blocks on the key until the first commits, then sees it and skips.
 * Plain SQL (PrismaService.sqlTransaction): this is the hot path of every batch consumer.
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
    effect: (fresh: Set<string>, sql: SqlTransaction) => Promise<R>,
  ): Promise<{ duplicates: Map<string, string | null>; result: R }> {
    // Sorted, so two batches holding the same keys cannot deadlock on them.
    const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return this.prisma.sqlTransaction(async (sql) => {
      const inserted = await sql.query<{ key: string }>(
        `INSERT INTO processed_messages (key, queue, message_id, payload_hash)
         SELECT k, $1, m, h FROM unnest($2::text[], $3::text[], $4::text[]) AS t(k, m, h)
         ON CONFLICT (key) DO NOTHING
         RETURNING key`,
        [queue, sorted.map((k) => k.key), sorted.map((k) => k.messageId), sorted.map((k) => k.payloadHash)],
      );
      const fresh = new Set(inserted.map((r) => r.key));
      const duplicates = await this.appliedHashes(
        sql,
        keys.map((k) => k.key).filter((k) => !fresh.has(k)),
      );
      const result = await effect(fresh, sql);
      if (result.rejected.length > 0)
        await sql.execute('DELETE FROM processed_messages WHERE key = ANY($1::text[])', [result.rejected]);
      return { duplicates, result };
    });
  }

  private async appliedHashes(sql: SqlTransaction, keys: string[]): Promise<Map<string, string | null>> {
    if (keys.length === 0) return new Map();
    const rows = await sql.query<{ key: string; payload_hash: string | null }>(
      'SELECT key, payload_hash FROM processed_messages WHERE key = ANY($1::text[])',
      [keys],
    );
    return new Map(rows.map((r) => [r.key, r.payload_hash]));
  }
}
