import { Inject, Injectable } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import { messageAttributes, OutboxQueueContract, QueueName } from '@discord-backbone/contracts';
import { PrismaService, quoteQualifiedName } from '@discord-backbone/prisma';
import { decodeByType } from '@discord-backbone/queue';
import { executeInTransaction, HostTransaction } from './host-transaction';
import { OutboundMessage, OUTBOX_OPTIONS, OutboxOptions } from './outbox.options';

/** FIFO coordinates of a staged message (FIFO queues only). */
export interface StageOptions {
  /** The SQS message group. */
  group?: string;
  /** The SQS deduplication id. */
  dedup?: string;
}

/** One message of `stageAll`, with its FIFO coordinates. */
export interface StagedMessage<M extends object> extends StageOptions {
  message: M;
}

/** Columns of one staged message, in the order `stageMessages` binds them. */
const COLUMNS = ['destination', 'body', 'ordering_key', 'message_group_id', 'deduplication_id', 'attributes'] as const;

/**
 * Stages messages in the caller's transaction: they are sent only if it commits, and always if
 * it commits. The current trace context goes with them, so the consumer continues the request's trace.
 */
@Injectable()
export class OutboxService {
  private readonly insert: string;

  constructor(
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
    private readonly prisma: PrismaService,
  ) {
    this.insert = `INSERT INTO ${quoteQualifiedName(options.table ?? 'outbox_messages')} (${COLUMNS.join(', ')}) VALUES `;
  }

  /** Messages of an ordering key that SQS refused for their content (parked by the dispatcher, never sent). */
  async rejected(orderingKey: string): Promise<RejectedMessage[]> {
    const rows = await this.prisma.outboxMessage.findMany({
      where: { orderingKey, rejectedAt: { not: null } },
      orderBy: { id: 'asc' },
    });
    return rows.map((row) => ({
      outboxId: row.id.toString(),
      destination: row.destination,
      type: messageType(row.body),
      rejection: row.rejection ?? '',
      rejectedAt: row.rejectedAt!,
    }));
  }

  /** Whether messages for this destination can ever be sent (its queue URL is configured). */
  isConfigured(destination: QueueName): boolean {
    return Boolean(this.options.destinations[destination]);
  }

  /**
   * Stages a message for the contract's queue in the host's transaction (a Prisma
   * interactive-transaction client or a pg client after BEGIN). The message is validated against
   * the class the consumer decodes it with (a MessageValidationError, nothing staged: a bug fails
   * the request that caused it instead of poisoning the queue); its ordering key and attributes
   * come from the contract.
   */
  async stage<M extends object>(
    tx: HostTransaction,
    contract: OutboxQueueContract<M>,
    message: M,
    options: StageOptions = {},
  ): Promise<void> {
    await this.stageMessages(tx, this.outbound(contract, message, options));
  }

  /** `stage` for several messages of one queue, in one INSERT; nothing is staged if one is invalid. */
  async stageAll<M extends object>(
    tx: HostTransaction,
    contract: OutboxQueueContract<M>,
    messages: readonly StagedMessage<M>[],
  ): Promise<void> {
    await this.stageMessages(
      tx,
      messages.map(({ message, ...options }) => this.outbound(contract, message, options)),
    );
  }

  /**
   * The low-level write under `stage`: rows built by the caller, not validated, in one
   * parameterised INSERT. Throws for a destination without a queue URL: such a message would
   * wait forever and block its key.
   */
  async stageMessages(tx: HostTransaction, messages: OutboundMessage | OutboundMessage[]): Promise<void> {
    const list = Array.isArray(messages) ? messages : [messages];
    if (list.length === 0) return;
    const unknown = list.find((m) => !this.isConfigured(m.destination));
    if (unknown) throw new Error(`No queue URL is configured for outbox destination "${unknown.destination}"`);
    const trace: Record<string, string> = {};
    propagation.inject(context.active(), trace);
    // Typed placeholders: a Prisma client binds JS values without the column types pg infers.
    const rows = list.map((_, i) => {
      const n = i * COLUMNS.length;
      return `($${n + 1}::text, $${n + 2}::text, $${n + 3}::text, $${n + 4}::text, $${n + 5}::text, $${n + 6}::jsonb)`;
    });
    const values = list.flatMap((m) => [
      m.destination,
      JSON.stringify(m.body),
      m.orderingKey,
      m.messageGroupId ?? null,
      m.deduplicationId ?? null,
      JSON.stringify({ ...trace, ...m.attributes }),
    ]);
    await executeInTransaction(tx, this.insert + rows.join(', '), values);
  }

  /** The row of a contract's message: validated, with the contract's ordering key and attributes. */
  private outbound<M extends object>(
    contract: OutboxQueueContract<M>,
    message: M,
    { group, dedup }: StageOptions,
  ): OutboundMessage {
    decodeByType(message, contract);
    return {
      destination: contract.queue,
      body: message,
      orderingKey: contract.orderingKey(message),
      ...(group !== undefined ? { messageGroupId: group } : {}),
      ...(dedup !== undefined ? { deduplicationId: dedup } : {}),
      attributes: messageAttributes(contract, message),
    };
  }
}

export interface RejectedMessage {
  outboxId: string;
  destination: string;
  /** The message's `type` (or `task_type`, `eventType`) when its body names one. */
  type: string | null;
  rejection: string;
  rejectedAt: Date;
}

function messageType(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const type = parsed.type ?? parsed.task_type ?? parsed.eventType;
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}
