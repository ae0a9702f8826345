import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { SqsService } from '@ssut/nestjs-sqs';
import { Prisma, PrismaService } from '@discord-backbone/prisma';
import { exponentialBackoff } from './backoff';
import { describeError } from './errors';

const FIRST_PROBE_MS = 1000;
const MAX_PROBE_MS = 15_000;
const PROBE_TIMEOUT_MS = 3000;
const STILL_DOWN_LOG_EVERY_MS = 60_000;

/**
 * Every consumer needs Postgres (effects, idempotency keys, attempt counts, outcome records).
 * While it is unreachable, or answers but cannot write (a read-only standby after a failover,
 * exhausted resources), receiving only burns receive counts until the redrive policy moves
 * perfectly good messages to the DLQ. So the first message that finds Postgres unreachable pauses
 * every consumer of the app; the gate then probes Postgres with backoff and resumes them once it
 * answers, read-write. The messages in hand are handed back by the pipeline, uncounted.
 */
@Injectable()
export class PostgresOutageGate implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PostgresOutageGate.name);
  private outage: { since: number; timer?: NodeJS.Timeout; lastLog: number } | undefined;
  private stopping = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly sqsService: SqsService,
  ) {}

  get paused(): boolean {
    return this.outage !== undefined;
  }

  /** Pauses every consumer (once per outage) and starts probing Postgres. */
  reportUnavailable(error: unknown): void {
    if (this.outage || this.stopping) return;
    this.outage = { since: Date.now(), lastLog: Date.now() };
    this.logger.error({
      msg: 'Postgres unreachable: consumers paused, their messages wait on the queues uncounted; resuming when Postgres answers',
      error: describeError(error).message,
    });
    for (const { instance } of this.sqsService.consumers.values()) instance.stop();
    this.probe(0);
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    clearTimeout(this.outage?.timer);
  }

  /** The `retry`-th probe (from 0), after its backoff. */
  private probe(retry: number): void {
    const outage = this.outage;
    if (!outage || this.stopping) return;
    outage.timer = setTimeout(
      () => {
        void this.ping().then(async (error) => {
          if (this.stopping) return;
          if (error === undefined) return this.resume(outage);
          if (Date.now() - outage.lastLog >= STILL_DOWN_LOG_EVERY_MS) {
            outage.lastLog = Date.now();
            this.logger.warn({
              msg: 'Postgres still unreachable; consumers stay paused',
              downForSeconds: Math.round((Date.now() - outage.since) / 1000),
              error,
            });
          }
          this.probe(retry + 1);
        });
      },
      exponentialBackoff(retry, FIRST_PROBE_MS, MAX_PROBE_MS),
    );
  }

  private async ping(): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // A standby after a failover answers, but cannot take the writes every consumer makes.
      const [{ readOnly }] = await Promise.race([
        this.prisma.sql<{ readOnly: string }>(
          Prisma.sql`SELECT current_setting('transaction_read_only') AS "readOnly"`,
        ),
        new Promise<never>(
          (_, reject) =>
            (timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS)),
        ),
      ]);
      return readOnly === 'on' ? 'Postgres answers read-only (a standby)' : undefined;
    } catch (error) {
      return describeError(error).message;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Restarts each consumer once its last poll has finished (two poll loops must never run at once). */
  private async resume(outage: NonNullable<typeof this.outage>): Promise<void> {
    const consumers = [...this.sqsService.consumers.values()].map(({ instance }) => instance);
    while (consumers.some((c) => c.status.isPolling) && !this.stopping) await new Promise((r) => setTimeout(r, 100));
    if (this.stopping || this.outage !== outage) return;
    this.outage = undefined;
    for (const consumer of consumers) consumer.start();
    this.logger.log({
      msg: 'Postgres answers again: consumers resumed',
      downForSeconds: Math.round((Date.now() - outage.since) / 1000),
    });
  }
}
