import { Injectable } from '@nestjs/common';
import { context, propagation } from '@opentelemetry/api';
import type { PrismaTx } from '@app/prisma';
import type { OutboundMessage } from './outbox.options';

/**
 * Stages messages in the caller's transaction: they are sent only if it commits, and always if
 * it commits. The current trace context goes with them, so the consumer continues the request's trace.
 */
@Injectable()
export class OutboxService {
  async stage(tx: PrismaTx, messages: OutboundMessage | OutboundMessage[]): Promise<void> {
    const list = Array.isArray(messages) ? messages : [messages];
    if (list.length === 0) return;
    const trace: Record<string, string> = {};
    propagation.inject(context.active(), trace);
    await tx.outboxMessage.createMany({
      data: list.map((m) => ({
        destination: m.destination,
        body: JSON.stringify(m.body),
        orderingKey: m.orderingKey,
        messageGroupId: m.messageGroupId ?? null,
        deduplicationId: m.deduplicationId ?? null,
        attributes: { ...trace, ...m.attributes },
      })),
    });
  }
}
