import { MessageAttributeValue, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { QueueName } from '@discord-backbone/contracts';
import { PrismaService, PrismaTx } from '@discord-backbone/prisma';
import {
  describeError,
  exponentialBackoff,
  SQS_CLIENT,
  sqsAttributes,
  traceContextAttributes,
} from '@discord-backbone/queue';
import {
  DEFAULT_OUTBOX_MAX_RETRY_DELAY_MS,
  DEFAULT_OUTBOX_POLL_INTERVAL_MS,
  OUTBOX_OPTIONS,
  OutboxOptions,
} from './outbox.options';

interface OutboxRow {
  id: bigint;
  destination: string;
  body: string;
  ordering_key: string;
  message_group_id: string | null;
  deduplication_id: string | null;
  attributes: Record<string, string | number>;
  attempts: number;
}

/** Messages claimed per round; a full round is followed by another at once. */
const ROUND_SIZE = 50;
const SQS_BATCH_LIMIT = 10;
/** One SendMessageBatch, retries included; the round's transaction allows 60 s. */
const SEND_TIMEOUT_MS = 15_000;
/** Failed sends after which a message is reported as stuck (error log) rather than retrying (warn). */
const STUCK_AFTER_ATTEMPTS = 10;
/** Sent rows are kept this long for inspection, then deleted. */
const SENT_RETENTION_MS = 24 * 3600_000;
const tracer = trace.getTracer('outbox');

/**
 * Sends staged outbox messages to SQS (a dispatcher, not to be confused with the message relay of
 * libs/relay). Each round claims, with FOR UPDATE SKIP LOCKED, only the oldest unsent message of
 * each ordering key, so several dispatchers (API replicas) can run side by side and messages of one
 * key still leave in order. A message SQS cannot take now (outage, throttling) is retried with
 * backoff; a crash between send and commit re-sends it, which consumers absorb (at-least-once).
 *
 * A message SQS refuses for its content (invalid characters, too large) can never be sent: it is
 * parked (`rejected_at`, `rejection`), logged at error level and shown in its order's view, and
 * the later messages of its ordering key go on. That is safe because every consumer checks the
 * state it acts on rather than trusting order alone: a Phase 4 request whose thread was never
 * created waits and then fails with an error answer; a bot operation re-checks the subscription.
 * Holding them back instead would block the order for ever behind a message nobody can fix.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private timer?: NodeJS.Timeout;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;
  private lastCleanup = 0;

  private readonly pollIntervalMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(SQS_CLIENT) private readonly sqs: SQSClient,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_OUTBOX_POLL_INTERVAL_MS;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? DEFAULT_OUTBOX_MAX_RETRY_DELAY_MS;
  }

  /** Provided in the consumer role only (OutboxModule), so it runs wherever it exists. */
  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.dispatchOnce()
        .then((claimed) => this.schedule(claimed >= ROUND_SIZE ? 0 : this.pollIntervalMs))
        .catch((error: unknown) => {
          // Postgres unreachable, most likely: try again later, the messages are safe in the table.
          this.logger.error({ msg: 'Outbox dispatch round failed', error: describeError(error).message });
          this.schedule(this.maxRetryDelayMs);
        });
    }, delayMs);
  }

  /** One round: claim, send, record. Returns how many messages were claimed. */
  async dispatchOnce(): Promise<number> {
    const claimed = await this.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<OutboxRow[]>`
          SELECT id, destination, body, ordering_key, message_group_id, deduplication_id, attributes, attempts
          FROM outbox_messages o
          WHERE sent_at IS NULL AND rejected_at IS NULL AND available_at <= now()
            AND NOT EXISTS (
              SELECT 1 FROM outbox_messages p
              WHERE p.ordering_key = o.ordering_key AND p.sent_at IS NULL AND p.rejected_at IS NULL AND p.id < o.id)
          ORDER BY id
          LIMIT ${ROUND_SIZE}
          FOR UPDATE SKIP LOCKED`;
        const byDestination = new Map<string, OutboxRow[]>();
        for (const row of rows)
          byDestination.set(row.destination, [...(byDestination.get(row.destination) ?? []), row]);
        // Concurrently: the round (and its row locks) lasts about one SQS request, bounded by the client's timeout.
        const batches = [...byDestination].flatMap(([destination, list]) =>
          Array.from(
            { length: Math.ceil(list.length / SQS_BATCH_LIMIT) },
            (_, i) => [destination, list.slice(i * SQS_BATCH_LIMIT, (i + 1) * SQS_BATCH_LIMIT)] as const,
          ),
        );
        await Promise.all(batches.map(([destination, list]) => this.send(tx, destination, list)));
        return rows.length;
      },
      { timeout: 60_000 },
    );
    await this.cleanup();
    return claimed;
  }

  private async send(tx: PrismaTx, destination: string, rows: OutboxRow[]): Promise<void> {
    const queueUrl = this.options.destinations[destination as QueueName];
    const spans = rows.map((row) =>
      tracer.startSpan(
        `outbox.send ${destination}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'aws_sqs',
            'messaging.destination.name': destination,
            'outbox.id': row.id.toString(),
          },
        },
        propagation.extract(ROOT_CONTEXT, row.attributes),
      ),
    );
    const sent = new Map<bigint, string>();
    const failed = new Map<bigint, string>();
    /** Refused by SQS for what it contains: sending it again can only fail again. */
    const refused = new Map<bigint, string>();
    try {
      if (!queueUrl) throw new Error(`No queue URL is configured for outbox destination "${destination}"`);
      const { Successful = [], Failed = [] } = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: rows.map((row, i) => ({
            Id: String(i),
            MessageBody: row.body,
            MessageAttributes: messageAttributes(row, () =>
              context.with(trace.setSpan(ROOT_CONTEXT, spans[i]), traceContextAttributes),
            ),
            ...(row.message_group_id ? { MessageGroupId: row.message_group_id } : {}),
            ...(row.deduplication_id ? { MessageDeduplicationId: row.deduplication_id } : {}),
          })),
        }),
        // The SDK's own retries included: a round must end well inside its transaction's timeout.
        { abortSignal: AbortSignal.timeout(SEND_TIMEOUT_MS) },
      );
      for (const s of Successful) sent.set(rows[Number(s.Id)].id, s.MessageId ?? '');
      for (const f of Failed)
        (f.SenderFault ? refused : failed).set(rows[Number(f.Id)].id, `${f.Code ?? 'Error'}: ${f.Message ?? ''}`);
    } catch (error) {
      if (rows.length > 1 && queueUrl && isContentError(error)) {
        // SQS refused the batch for what is in it (one message too large, say): each on its own,
        // so the others still go. Outages and timeouts would only fail ten times over.
        for (const span of spans) span.end();
        for (const row of rows) await this.send(tx, destination, [row]);
        return;
      }
      for (const row of rows)
        (queueUrl && isContentError(error) ? refused : failed).set(row.id, describeError(error).message);
    }

    rows.forEach((row, i) => {
      const error = failed.get(row.id) ?? refused.get(row.id);
      if (error) {
        spans[i].recordException(new Error(error));
        spans[i].setStatus({ code: SpanStatusCode.ERROR, message: error });
      } else spans[i].setAttribute('messaging.message.id', sent.get(row.id) ?? '');
      spans[i].end();
    });
    if (sent.size > 0) {
      await tx.$executeRaw`
        UPDATE outbox_messages o SET sent_at = now(), sqs_message_id = s.message_id
        FROM unnest(${[...sent.keys()]}::bigint[], ${[...sent.values()]}::text[]) AS s(id, message_id)
        WHERE o.id = s.id`;
    }
    for (const [id, reason] of refused) {
      const row = rows.find((r) => r.id === id)!;
      this.logger.error({
        msg: 'SQS refused an outbox message for its content: parked as rejected; later messages of its ordering key go on without it',
        outboxId: id.toString(),
        destination,
        orderingKey: row.ordering_key,
        error: reason,
      });
      await tx.$executeRaw`UPDATE outbox_messages SET rejected_at = now(), rejection = ${reason.slice(0, 1024)} WHERE id = ${id}`;
    }
    for (const row of rows.filter((r) => failed.has(r.id))) {
      const delayMs = exponentialBackoff(row.attempts, 1000, this.maxRetryDelayMs);
      // Never given up (that would lose a committed change's message), but loud once it looks stuck.
      const log = {
        msg: 'Outbox message not sent; will retry',
        outboxId: row.id.toString(),
        destination,
        attempts: row.attempts + 1,
        retryInMs: delayMs,
        error: failed.get(row.id),
      };
      if (row.attempts + 1 >= STUCK_AFTER_ATTEMPTS) this.logger.error(log);
      else this.logger.warn(log);
      await tx.$executeRaw`
        UPDATE outbox_messages
        SET attempts = attempts + 1, last_error = ${failed.get(row.id)!.slice(0, 1024)},
            available_at = now() + make_interval(secs => ${delayMs / 1000})
        WHERE id = ${row.id}`;
    }
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.prisma
      .$executeRaw`DELETE FROM outbox_messages WHERE sent_at < ${new Date(Date.now() - SENT_RETENTION_MS)}`;
  }
}

/** SQS refused the request for its content (the client's fault), not for being unreachable or slow. */
function isContentError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { $fault?: string }).$fault === 'client' &&
    (error as { name?: string }).name !== 'TimeoutError'
  );
}

/** Stored attributes plus the send span's trace context, as SQS message attributes. */
function messageAttributes(
  row: OutboxRow,
  traceAttributes: () => Record<string, MessageAttributeValue>,
): Record<string, MessageAttributeValue> {
  // The stored trace context is replaced by the send span's.
  const { traceparent: _parent, tracestate: _state, ...stored } = row.attributes;
  return { ...sqsAttributes(stored), ...traceAttributes() };
}
