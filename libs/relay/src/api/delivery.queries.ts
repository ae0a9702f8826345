// The relay's leasing SQL, in one place: DeliveryStore runs it on Prisma's pool in plain SQL
// (PrismaService.sql: Prisma has no row-locking API, and $queryRaw costs four times the query),
// and the benchmark's bare `pg` baseline runs the very same statements.
// Deliveries are claimed with FOR UPDATE SKIP LOCKED, so concurrent leases never wait for each
// other and never take the same row.
import { Prisma } from '@discord-backbone/prisma';

export interface ClaimParams {
  backendBotId: string;
  limit: number;
  /** Deliveries handed out this many times without an ack are dead instead. */
  maxDeliveries: number;
  /** At most one unfinished delivery per conversation, the oldest (in-order delivery). */
  ordered: boolean;
  /** `lease`: leased for `visibilitySeconds` with a new receipt; `consume`: done at once (pending reads). */
  mode: { lease: number } | 'consume';
}

/** One row per claimed delivery; `receipt` (lease) or `consumed` set, or neither when it was found exhausted and is now dead. */
export interface ClaimedRow {
  delivery_id: string;
  claimed: boolean;
  receipt: string | null;
  delivery_count: number | null;
  lease_expires_at: Date | null;
  discord_bot_id: string | null;
  discord_message_id: string | null;
  sent_at: Date | null;
  content: string | null;
  is_dm: boolean | null;
  guild_id: string | null;
  channel_id: string | null;
  author_id: string | null;
  author_name: string | null;
  traceparent: string | null;
  tracestate: string | null;
}

/**
 * Claims up to `limit` available deliveries of a backend, oldest first: pending ones whose delay
 * is over and leased ones whose lease has expired (a redelivery). One that was already handed
 * out `maxDeliveries` times becomes dead instead.
 */
export function claimDeliveries(p: ClaimParams): Prisma.Sql {
  const inOrder = p.ordered
    ? Prisma.sql`AND NOT EXISTS (
        SELECT 1 FROM relay_deliveries e
        WHERE e.backend_bot_id = d.backend_bot_id AND e.conversation = d.conversation
          AND e.state IN ('pending', 'leased') AND e.seq < d.seq)`
    : Prisma.empty;
  const claim =
    p.mode === 'consume'
      ? Prisma.sql`state = 'acked', acked_at = now(), available_at = now(), receipt = NULL`
      : Prisma.sql`state = 'leased', available_at = now() + make_interval(secs => ${p.mode.lease}),
          receipt = d.id::text || '.' || (d.delivery_count + 1) || '.' || replace(gen_random_uuid()::text, '-', '')`;
  return Prisma.sql`
    WITH candidates AS (
      SELECT d.id, d.seq, d.delivery_count
      FROM relay_deliveries d
      WHERE d.backend_bot_id = ${p.backendBotId} AND d.state IN ('pending', 'leased') AND d.available_at <= now()
        ${inOrder}
      ORDER BY d.seq
      LIMIT ${p.limit}
      FOR UPDATE SKIP LOCKED
    ), exhausted AS (
      UPDATE relay_deliveries d SET state = 'dead', dead_at = now(), available_at = now()
      FROM candidates c WHERE d.id = c.id AND c.delivery_count >= ${p.maxDeliveries}
    ), claimed AS (
      UPDATE relay_deliveries d SET ${claim}, delivery_count = d.delivery_count + 1
      FROM candidates c WHERE d.id = c.id AND c.delivery_count < ${p.maxDeliveries}
      RETURNING d.id, d.message_id, d.receipt, d.delivery_count, d.available_at
    )
    SELECT c.id::text AS delivery_id, (l.id IS NOT NULL) AS claimed, l.receipt, l.delivery_count, l.available_at AS lease_expires_at,
           m.discord_bot_id, m.discord_message_id, m.sent_at, m.content, m.is_dm, m.guild_id, m.channel_id, m.author_id, m.author_name,
           m.traceparent, m.tracestate
    FROM candidates c
    LEFT JOIN claimed l ON l.id = c.id
    LEFT JOIN relay_messages m ON m.id = l.message_id
    ORDER BY c.seq`;
}

/** A receipt: `<delivery id>.<lease number>.<random>`. */
export interface ParsedReceipt {
  receipt: string;
  deliveryId: string;
  lease: number;
}

const RECEIPT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([1-9]\d{0,8})\.[0-9a-f]{32}$/;

export function parseReceipt(receipt: string): ParsedReceipt | undefined {
  const match = RECEIPT.exec(receipt);
  return match ? { receipt, deliveryId: match[1], lease: Number(match[2]) } : undefined;
}

export type Settlement = { ack: true } | { nack: number; maxDeliveries: number } | { extend: number };

/**
 * Acknowledges, nacks or extends the leases of these receipts, and says for each: `ok`,
 * `already_acked` (this receipt's delivery is acked already), `stale_receipt` (a later lease exists, or — extend —
 * this lease has ended), `unknown` (not a receipt of this backend). A receipt is only ever
 * applied to the lease it was issued for: its random part must be the delivery's current one.
 */
export function settleDeliveries(backendBotId: string, receipts: ParsedReceipt[], settlement: Settlement): Prisma.Sql {
  let update: Prisma.Sql;
  let applicable: Prisma.Sql;
  if ('ack' in settlement) {
    // After a nack, or once dead, the same lease's receipt still acknowledges the work it did.
    update = Prisma.sql`state = 'acked', acked_at = now(), available_at = now(), dead_at = NULL`;
    applicable = Prisma.sql`d.state IN ('leased', 'pending', 'dead')`;
  } else if ('nack' in settlement) {
    update = Prisma.sql`state = CASE WHEN d.delivery_count >= ${settlement.maxDeliveries} THEN 'dead'::relay_delivery_state ELSE 'pending'::relay_delivery_state END,
      dead_at = CASE WHEN d.delivery_count >= ${settlement.maxDeliveries} THEN now() END,
      available_at = now() + make_interval(secs => ${settlement.nack})`;
    applicable = Prisma.sql`d.state = 'leased'`;
  } else {
    update = Prisma.sql`available_at = now() + make_interval(secs => ${settlement.extend})`;
    applicable = Prisma.sql`d.state = 'leased'`;
  }
  // Nacking or extending a lease that has already ended changes nothing, and for nack is no error.
  const endedIsOk = 'nack' in settlement ? Prisma.sql`WHEN c.receipt = i.receipt THEN 'ok'` : Prisma.empty;
  return Prisma.sql`
    WITH input AS (
      SELECT * FROM unnest(${receipts.map((r) => r.deliveryId)}::uuid[], ${receipts.map((r) => r.receipt)}::text[], ${receipts.map((r) => r.lease)}::int[]) AS i(id, receipt, lease)
    ), current AS (
      SELECT d.id, d.state, d.receipt, d.delivery_count FROM relay_deliveries d
      WHERE d.id IN (SELECT id FROM input) AND d.backend_bot_id = ${backendBotId}
      FOR UPDATE
    ), settled AS (
      UPDATE relay_deliveries d SET ${update}
      FROM input i
      WHERE d.id = i.id AND d.backend_bot_id = ${backendBotId} AND d.receipt = i.receipt AND ${applicable}
      RETURNING d.id, d.receipt, d.state::text AS state
    )
    SELECT i.receipt,
      CASE WHEN s.id IS NOT NULL THEN 'ok'
           WHEN c.id IS NULL THEN 'unknown'
           WHEN c.state = 'acked' AND c.receipt = i.receipt THEN 'already_acked'
           WHEN i.lease < c.delivery_count THEN 'stale_receipt'
           ${endedIsOk}
           WHEN c.receipt = i.receipt THEN 'stale_receipt'
           ELSE 'unknown' END AS result,
      s.state AS new_state
    FROM input i LEFT JOIN current c ON c.id = i.id LEFT JOIN settled s ON s.id = i.id AND s.receipt = i.receipt`;
}
