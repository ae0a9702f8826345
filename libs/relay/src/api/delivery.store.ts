import { Injectable } from '@nestjs/common';
import type { DeadMessage, LeasedMessage, ReceiptOutcome, RelayedMessage } from '@discord-backbone/contracts';
import { Prisma, PrismaService } from '@discord-backbone/prisma';
import { DELIVERY_CHANNEL } from '../config/relay-notifications';
import type { BackendBotSettings } from '../config/relay-settings';
import {
  claimDeliveries,
  ClaimedRow,
  ParsedReceipt,
  parseReceipt,
  settleDeliveries,
  Settlement,
} from './delivery.queries';

/** Claims that found only exhausted deliveries are retried at once, this many times, so a lease is not answered empty while others wait. */
const EXHAUSTED_RETRIES = 5;

/**
 * The backend bots' deliveries in Postgres. Every query is scoped to one backend: a key sees its
 * own backend's deliveries and nothing else, whatever id or receipt it presents. Leasing and
 * settling, the hot path, run their statements in plain SQL on Prisma's pool (PrismaService.sql).
 */
@Injectable()
export class DeliveryStore {
  constructor(private readonly prisma: PrismaService) {}

  /** Leases up to `limit` deliveries for `visibilitySeconds`, each with a fresh receipt. */
  async lease(backend: BackendBotSettings, limit: number, visibilitySeconds: number): Promise<LeasedMessage[]> {
    const rows = await this.claim(backend, limit, { lease: visibilitySeconds });
    return rows.map((row) => ({
      ...relayed(row),
      receipt: row.receipt!,
      delivery_count: row.delivery_count!,
      lease_expires_at: row.lease_expires_at!.toISOString(),
      trace_context: row.traceparent ? { traceparent: row.traceparent, tracestate: row.tracestate } : null,
    }));
  }

  /** The plan's MVP: returned once and done (consume-on-read). */
  async consume(backend: BackendBotSettings, limit: number): Promise<RelayedMessage[]> {
    return (await this.claim(backend, limit, 'consume')).map(relayed);
  }

  /**
   * Milliseconds until the backend's next delivery becomes available (a nack's delay, a lease
   * expiring); null when it has none waiting. For an ordered backend only a conversation's head
   * (its oldest unfinished delivery) counts: the deliveries behind a leased head wait for it to be
   * acked, nacked or to expire, however long ago they were stored.
   */
  async nextAvailableInMs(backend: BackendBotSettings): Promise<number | null> {
    // Run by every long poll that finds nothing: plain SQL on the pool, like lease and settle.
    const [row] = await this.prisma.sql<{ ms: number | null }>(
      backend.ordered
        ? Prisma.sql`
          SELECT (EXTRACT(EPOCH FROM min(available_at) - now()) * 1000)::float8 AS ms FROM (
            SELECT DISTINCT ON (conversation) available_at FROM relay_deliveries
            WHERE backend_bot_id = ${backend.id} AND state IN ('pending', 'leased')
            ORDER BY conversation, seq) heads`
        : Prisma.sql`
          SELECT (EXTRACT(EPOCH FROM min(available_at) - now()) * 1000)::float8 AS ms
          FROM relay_deliveries WHERE backend_bot_id = ${backend.id} AND state IN ('pending', 'leased')`,
    );
    return row.ms;
  }

  /** Per receipt, in order; malformed receipts are `unknown`. */
  async settle(
    backend: BackendBotSettings,
    receipts: string[],
    settlement: Settlement,
  ): Promise<{ receipt: string; result: ReceiptOutcome }[]> {
    const parsed = [...new Map(receipts.map((r) => [r, parseReceipt(r)])).values()].filter(
      (r): r is ParsedReceipt => r !== undefined,
    );
    const outcomes = new Map<string, ReceiptOutcome>();
    if (parsed.length > 0) {
      const rows = await this.prisma.sql<{ receipt: string; result: ReceiptOutcome; new_state: string | null }>(
        settleDeliveries(backend.id, parsed, settlement),
      );
      for (const row of rows) outcomes.set(row.receipt, row.result);
      if (rows.some((r) => frees(backend, settlement, r.new_state))) await this.notify(backend.id);
    }
    return receipts.map((receipt) => ({ receipt, result: outcomes.get(receipt) ?? 'unknown' }));
  }

  /** Dead deliveries, oldest death first; exhausted leases are declared dead first, so the list is current. */
  async dead(backend: BackendBotSettings, limit: number): Promise<DeadMessage[]> {
    await this.markExhaustedDead(backend);
    const rows = await this.prisma.relayDelivery.findMany({
      where: { backendBotId: backend.id, state: 'dead' },
      orderBy: [{ deadAt: 'asc' }, { seq: 'asc' }],
      take: limit,
      include: { message: true },
    });
    return rows.map((d) => ({
      delivery_id: d.id,
      discord_bot_id: d.message.discordBotId,
      discord_message: messageView(d.message),
      delivery_count: d.deliveryCount,
      dead_at: d.deadAt!.toISOString(),
    }));
  }

  /** Dead deliveries (these, or all) back to pending, with max_deliveries new deliveries; receipts of their earlier leases no longer apply. */
  async redrive(backend: BackendBotSettings, deliveryIds: string[] | undefined): Promise<number> {
    const { count } = await this.prisma.relayDelivery.updateMany({
      where: { backendBotId: backend.id, state: 'dead', ...(deliveryIds ? { id: { in: deliveryIds } } : {}) },
      data: { state: 'pending', deadAt: null, deliveryCount: 0, receipt: null, availableAt: new Date() },
    });
    if (count > 0) await this.notify(backend.id);
    return count;
  }

  /** Deliveries whose last allowed lease expired unacked, declared dead (a lease would do it too). */
  async markExhaustedDead(backend: BackendBotSettings): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE relay_deliveries SET state = 'dead', dead_at = now()
      WHERE backend_bot_id = ${backend.id} AND state IN ('pending', 'leased') AND available_at <= now() AND delivery_count >= ${backend.maxDeliveries}`;
  }

  private async claim(
    backend: BackendBotSettings,
    limit: number,
    mode: { lease: number } | 'consume',
  ): Promise<ClaimedRow[]> {
    const claimed: ClaimedRow[] = [];
    // In-order backends get one delivery per conversation per statement; consume-on-read keeps
    // claiming (each done at once) so a cron backend gets a conversation's messages in one read.
    let exhaustedRounds = 0;
    while (claimed.length < limit) {
      const rows = await this.prisma.sql<ClaimedRow>(
        claimDeliveries({
          backendBotId: backend.id,
          limit: limit - claimed.length,
          maxDeliveries: backend.maxDeliveries,
          ordered: backend.ordered,
          mode,
        }),
      );
      const got = rows.filter((r) => r.claimed);
      claimed.push(...got);
      if (rows.length > got.length && exhaustedRounds++ < EXHAUSTED_RETRIES) continue;
      if (backend.ordered && mode === 'consume' && got.length > 0) continue;
      break;
    }
    return claimed;
  }

  private async notify(backendBotId: string): Promise<void> {
    await this.prisma.sql(Prisma.sql`SELECT pg_notify(${DELIVERY_CHANNEL}, ${backendBotId})`);
  }
}

/** Whether a settled delivery lets a long poll lease something: a nack back to pending; for an ordered backend, also a conversation's head acked or dead (the next one's turn). */
function frees(backend: BackendBotSettings, settlement: Settlement, newState: string | null): boolean {
  if ('extend' in settlement || newState === null) return false;
  return newState === 'pending' || backend.ordered;
}

function relayed(row: ClaimedRow): RelayedMessage {
  return {
    delivery_id: row.delivery_id,
    discord_bot_id: row.discord_bot_id!,
    discord_message: {
      discord_message_id: row.discord_message_id!,
      timestamp: row.sent_at!.toISOString(),
      content: row.content!,
      source: {
        is_dm: row.is_dm!,
        guild_id: row.guild_id,
        channel_id: row.channel_id!,
        author_id: row.author_id!,
        author_name: row.author_name!,
      },
    },
  };
}

function messageView(m: Prisma.RelayMessageGetPayload<object>): RelayedMessage['discord_message'] {
  return {
    discord_message_id: m.discordMessageId,
    timestamp: m.sentAt.toISOString(),
    content: m.content,
    source: {
      is_dm: m.isDm,
      guild_id: m.guildId,
      channel_id: m.channelId,
      author_id: m.authorId,
      author_name: m.authorName,
    },
  };
}
