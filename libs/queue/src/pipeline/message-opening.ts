import type { Message } from '@aws-sdk/client-sqs';
import { Span, SpanKind, trace } from '@opentelemetry/api';
import { originalMessageId } from '../dead-letter.publisher';
import { MalformedMessageError } from '../errors';
import { extractTraceContext } from '../trace-context';
import type { Outcome } from './outcome';

const tracer = trace.getTracer('queue');

/** What the pipeline needs of a route to open its messages. */
export interface MessageDecoder<T> {
  /** Validated payload from parsed JSON; throws a PermanentError when the contract is broken. */
  decode(body: unknown): T;
  /** Message type for spans and logs. */
  typeOf(payload: T): string;
}

interface Received {
  readonly message: Message;
  /** Its `sqs.process_message` span, a child of the producer's trace context. */
  readonly span: Span;
  /** 1 on the first delivery; SQS counts every receive. */
  readonly receiveCount: number;
  /** The id it was first delivered under (kept across DLQ replays and outage requeues). */
  readonly originalId: string;
  /** performance.now() when it was opened. */
  readonly openedAt: number;
}

/** A received message, opened: decoded and validated, or with the reason it cannot be. */
export type OpenedMessage<T> = Received &
  ({ readonly valid: true; readonly payload: T } | { readonly valid: false; readonly error: unknown });

/** Starts the message's span from the producer's trace context, then parses, decodes and validates its body. */
export function openMessage<T>(message: Message, consumer: string, decoder: MessageDecoder<T>): OpenedMessage<T> {
  const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
  const span = tracer.startSpan(
    'sqs.process_message',
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'aws_sqs',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': consumer,
        'messaging.message.id': message.MessageId ?? 'unknown',
        'messaging.aws.sqs.receive_count': receiveCount,
      },
    },
    extractTraceContext(message.MessageAttributes),
  );
  const received = { message, span, receiveCount, originalId: originalMessageId(message), openedAt: performance.now() };
  try {
    const payload = decoder.decode(parseJson(message.Body));
    span.setAttribute('messaging.message.type', decoder.typeOf(payload));
    return { ...received, valid: true, payload };
  } catch (error) {
    return { ...received, valid: false, error };
  }
}

/** Ends the message's span with its outcome. */
export function closeMessage(opened: Received, outcome: Outcome): void {
  opened.span.setAttribute('messaging.outcome', outcome);
  opened.span.end();
}

/** Message id and trace id on every log line about a message (its span is not the active one). */
export function logContext(opened: Received): { messageId?: string; trace_id: string; span_id: string } {
  const { traceId, spanId } = opened.span.spanContext();
  return { messageId: opened.message.MessageId, trace_id: traceId, span_id: spanId };
}

function parseJson(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    throw new MalformedMessageError(`Message body is not valid JSON: ${(body ?? '').slice(0, 80)}`);
  }
}
