import { INestApplication } from '@nestjs/common';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { ReadableSpan } from '@opentelemetry/sdk-trace';
import { QueueName } from '@discord-backbone/contracts';
import { traceContextAttributes } from '@discord-backbone/queue';
import { characterAwarded, itemAwarded } from '../factories/prize-events';
import { seedCommunity } from '../factories/rows';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, send, waitFor } from '../support/sqs';
import { captureSpans, spansNamed } from '../support/tracing';
import { startWorker } from '../support/worker';

const spans = captureSpans();

describe('tracing of prize processing', () => {
  const { sqs, prisma } = useTestInfra();
  let worker: INestApplication | undefined;

  afterAll(() => worker?.close());

  /** Names of a span's ancestors, nearest first. */
  const ancestors = (span: ReadableSpan): string[] => {
    const byId = new Map(spans.getFinishedSpans().map((s) => [s.spanContext().spanId, s]));
    const names: string[] = [];
    for (let p = byId.get(span.parentSpanContext?.spanId ?? ''); p; p = byId.get(p.parentSpanContext?.spanId ?? ''))
      names.push(p.name);
    return names;
  };

  it('continues the producer trace: poll, process, batch, handler and database spans with messaging attributes', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable, orphan } = await seedCommunity(prisma);

    // The Discord bot's side: a producer span whose context travels in the message attributes.
    const producer = trace.getTracer('test-bot').startSpan('send prize', { kind: SpanKind.PRODUCER });
    const attributes = context.with(trace.setSpan(context.active(), producer), traceContextAttributes);
    producer.end();
    const itemMessageId = await send(
      sqs,
      queues.queueUrl,
      itemAwarded({ discordGuildId: community.discordGuildId, itemTypeId: stackable.id }),
      attributes,
    );
    await send(
      sqs,
      queues.queueUrl,
      characterAwarded({ discordGuildId: community.discordGuildId, characterId: orphan.id }),
    );
    worker = await startWorker(queues); // both messages wait on the queue: one receive, one batch

    await waitFor(
      () =>
        spansNamed(spans, 'handle_character_prize').length === 1 && spansNamed(spans, 'handle_item_prize').length === 1,
      { what: 'handler spans' },
    );
    await waitFor(() => spansNamed(spans, 'sqs.process_message').length === 2, { what: 'process spans' });

    const processItem = spansNamed(spans, 'sqs.process_message').find(
      (s) => s.attributes['messaging.message.id'] === itemMessageId,
    )!;
    expect(processItem.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(processItem.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(processItem.kind).toBe(SpanKind.CONSUMER);
    expect(processItem.attributes).toMatchObject({
      'messaging.system': 'aws_sqs',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'prize-distribution',
      'messaging.message.type': 'ITEM_AWARDED',
      'messaging.outcome': 'applied',
    });

    // Without a traceparent the message starts its own trace.
    const processCharacter = spansNamed(spans, 'sqs.process_message').find((s) => s !== processItem)!;
    expect(processCharacter.parentSpanContext).toBeUndefined();

    // The batch's transaction runs in sqs.process_batch, linked to each message's process span
    // (or, for a batch of one, its child): batch → transaction → handler → queries. (The batch
    // transaction is plain SQL on Prisma's pool: db.transaction and db.query spans.)
    const handler = spansNamed(spans, 'handle_item_prize')[0];
    expect(ancestors(handler)[0]).toBe('db.transaction');
    const batch = spansNamed(spans, 'sqs.process_batch').find(
      (b) => ancestors(handler).includes(b.name) && b.spanContext().traceId === handler.spanContext().traceId,
    )!;
    const related = (b: ReadableSpan, p: ReadableSpan) =>
      b.parentSpanContext?.spanId === p.spanContext().spanId ||
      b.links.some((l) => l.context.spanId === p.spanContext().spanId);
    expect(related(batch, processItem)).toBe(true);
    expect(spansNamed(spans, 'sqs.process_batch').some((b) => related(b, processCharacter))).toBe(true);
    expect(batch.attributes).toMatchObject({
      'messaging.system': 'aws_sqs',
      'messaging.destination.name': 'prize-distribution',
    });
    const queries = spans
      .getFinishedSpans()
      .filter((s) => s.name === 'db.query' && ancestors(s).includes('handle_item_prize'));
    expect(queries.length).toBeGreaterThan(0);

    const poll = spansNamed(spans, 'sqs.poll');
    expect(poll.length).toBeGreaterThan(0);
    expect(poll[0].attributes).toMatchObject({ 'messaging.system': 'aws_sqs', 'messaging.operation.type': 'receive' });
  });
});
