import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@discord-backbone/prisma';

/**
 * Counts real handler attempts per message for MessagePipeline.processEffects. SQS's receive count
 * also counts waits — a rate limit's retry-after, a lease held by another delivery, FIFO
 * messages handed back behind a failing one, shutdown — which must not use up a message's retries.
 * Plain SQL on the pool: it runs for every message of those consumers.
 */
const PRUNE_EVERY_MS = 3600_000;
/** SQS keeps a message at most 14 days. */
const RETENTION_MS = 14 * 24 * 3600_000;

@Injectable()
export class AttemptStore {
  private lastPrune = 0;

  constructor(private readonly prisma: PrismaService) {}

  /** Failed attempts so far, by message key (absent = none). */
  async load(consumer: string, keys: string[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const rows = await this.prisma.sql<{ message_key: string; attempts: number }>(
      Prisma.sql`SELECT message_key, attempts FROM message_attempts WHERE consumer = ${consumer} AND message_key = ANY(${keys}::text[])`,
    );
    return new Map(rows.map((r) => [r.message_key, r.attempts]));
  }

  /** Records one more failed attempt; returns how many there have been. */
  async recordFailure(consumer: string, key: string): Promise<number> {
    const [{ attempts }] = await this.prisma.sql<{ attempts: number }>(Prisma.sql`
      INSERT INTO message_attempts (consumer, message_key, attempts) VALUES (${consumer}, ${key}, 1)
      ON CONFLICT (consumer, message_key) DO UPDATE SET attempts = message_attempts.attempts + 1, updated_at = now()
      RETURNING attempts`);
    return attempts;
  }

  async forget(consumer: string, keys: string[]): Promise<void> {
    if (keys.length > 0)
      await this.prisma.sql(
        Prisma.sql`DELETE FROM message_attempts WHERE consumer = ${consumer} AND message_key = ANY(${keys}::text[])`,
      );
    await this.prune();
  }

  /**
   * Counts of messages that left another way (SQS redrive, retention) would linger and shorten a
   * later replay's retries: anything older than SQS's longest retention goes, once an hour.
   */
  private async prune(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    await this.prisma.sql(
      Prisma.sql`DELETE FROM message_attempts WHERE updated_at < ${new Date(Date.now() - RETENTION_MS)}`,
    );
  }
}
