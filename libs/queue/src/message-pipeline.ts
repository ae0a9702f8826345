import { ChangeMessageVisibilityCommand, Message, SQSClient } from '@aws-sdk/client-sqs';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SqsService } from '@ssut/nestjs-sqs';
import { classifyError, describeError, MalformedMessageError } from './errors';
import { retryDelaySeconds } from './backoff';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { MessageRoute } from './message-route';
import { ProcessedMessageStore } from './processed-message.store';
import { ConsumerSettings, QUEUE_OPTIONS, QueueModuleOptions, SQS_CLIENT } from './queue.options';
import { extractTraceContext } from './trace-context';

/** What a @SqsMessageHandler returns: the message itself means "delete it", {} means "leave it". */
export type Acknowledgement = Message | Record<string, never>;
const LEAVE: Acknowledgement = {};

export type Outcome = 'applied' | 'duplicate' | 'dead_lettered' | 'retry';

const tracer = trace.getTracer('queue');

/**
 * The one dispatcher every consumer runs its messages through:
 * decode → validate → trace context → idempotency → handle → classify errors.
 *
 * @ssut/nestjs-sqs binds handlers at boot (no Nest interceptors) and sqs-consumer deletes a
 * message whenever the handler returns normally, so this class decides explicitly:
 * applied/duplicate/permanent failure → delete (after dead-lettering); transient → keep, with
 * the visibility timeout set to the backoff delay. While a handler works, the visibility is
 * extended so a slow handler is not delivered twice. Shutdown waits for in-flight messages.
 */
@Injectable()
export class MessagePipeline implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MessagePipeline.name);
  private readonly consumers: Map<string, ConsumerSettings>;
  private readonly inFlight = new Map<string, { message: Message; consumer: ConsumerSettings }>();
  private shuttingDown = false;

  constructor(
    @Inject(SQS_CLIENT) private readonly sqs: SQSClient,
    @Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly store: ProcessedMessageStore,
    private readonly sqsService: SqsService,
  ) {
    this.consumers = new Map(options.consumers.map((c) => [c.name, c]));
  }

  async process<T>(message: Message, route: MessageRoute<T>): Promise<Acknowledgement> {
    const consumer = this.consumers.get(route.consumer);
    if (!consumer) throw new Error(`No consumer settings for ${route.consumer}`);
    const messageId = message.MessageId ?? 'unknown';
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? 1);

    if (this.shuttingDown) {
      // A receive that completed after stop() was requested: hand it straight back.
      await this.changeVisibility(consumer, message, 0);
      return LEAVE;
    }

    const parent = extractTraceContext(message.MessageAttributes);
    return tracer.startActiveSpan(
      'sqs.process_message',
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'aws_sqs',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': consumer.name,
          'messaging.message.id': messageId,
          'messaging.aws.sqs.receive_count': receiveCount,
        },
      },
      parent,
      async (span) => {
        this.inFlight.set(messageId, { message, consumer });
        const heartbeat = this.startHeartbeat(consumer, message);
        let outcome: Outcome;
        try {
          outcome = await this.handle(message, route, consumer, span, receiveCount);
        } finally {
          clearInterval(heartbeat);
          this.inFlight.delete(messageId);
        }
        span.setAttribute('messaging.outcome', outcome);
        span.end();
        return outcome === 'retry' ? LEAVE : message;
      },
    );
  }

  private async handle<T>(
    message: Message,
    route: MessageRoute<T>,
    consumer: ConsumerSettings,
    span: Span,
    receiveCount: number,
  ): Promise<Outcome> {
    const messageId = message.MessageId ?? 'unknown';
    let type = 'unknown';
    try {
      const payload = route.decode(parseJson(message.Body));
      type = route.typeOf(payload);
      span.setAttribute('messaging.message.type', type);
      const key = route.idempotencyKey(payload, message);
      const result = await this.store.applyOnce(key, { queue: consumer.name, messageId }, (tx) => route.apply(payload, tx));
      if (result === 'duplicate') this.logger.log({ msg: 'Duplicate message skipped', messageId, type, key });
      return result;
    } catch (error) {
      const { errorClass, message: reason } = describeError(error);
      span.recordException(error instanceof Error ? error : new Error(reason));
      span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      span.setAttribute('error.type', errorClass);
      const disposition = classifyError(error);
      const exhausted = receiveCount >= consumer.maxReceiveCount;
      const log = { messageId, type, receiveCount, errorClass, error: reason, disposition };

      if (disposition === 'permanent' || exhausted) {
        this.logger.error({ msg: 'Message dead-lettered', ...log, ...(disposition === 'transient' ? { retriesExhausted: true } : {}) });
        try {
          await this.deadLetters.publish(consumer, message, {
            errorClass: disposition === 'permanent' ? errorClass : `RetriesExhausted:${errorClass}`,
            message: reason,
            receiveCount,
          });
          return 'dead_lettered';
        } catch (dlqError) {
          // Never delete what could not be dead-lettered: leave it for redelivery / the redrive policy.
          this.logger.error({ msg: 'Dead-lettering failed; message left on the queue', messageId, error: describeError(dlqError).message });
          return 'retry';
        }
      }

      const delay = retryDelaySeconds(receiveCount, consumer.retryBaseDelaySeconds, consumer.retryMaxDelaySeconds);
      span.setAttribute('messaging.retry_delay_seconds', delay);
      this.logger.warn({ msg: 'Message failed; will retry', ...log, retryDelaySeconds: delay });
      await this.changeVisibility(consumer, message, delay);
      return 'retry';
    }
  }

  /** Keeps a message invisible while its handler runs (a slow handler must not be delivered twice). */
  private startHeartbeat(consumer: ConsumerSettings, message: Message): NodeJS.Timeout {
    const everyMs = Math.max(1000, (consumer.visibilityTimeout * 1000) / 3);
    return setInterval(() => void this.changeVisibility(consumer, message, consumer.visibilityTimeout), everyMs);
  }

  private async changeVisibility(consumer: ConsumerSettings, message: Message, seconds: number): Promise<void> {
    try {
      await this.sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: consumer.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: seconds }),
      );
    } catch (error) {
      // Not fatal: at worst the message comes back when its current visibility ends.
      this.logger.warn({ msg: 'ChangeMessageVisibility failed', messageId: message.MessageId, seconds, error: describeError(error).message });
    }
  }

  /**
   * Runs after @ssut/nestjs-sqs has told its consumers to stop (onModuleDestroy) and before
   * Prisma disconnects (onApplicationShutdown): wait for receives and handlers to finish, then
   * hand anything still in flight back to the queue so nothing stays invisible.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const deadline = Date.now() + this.options.shutdownDrainTimeoutMs;
    const busy = () =>
      this.inFlight.size > 0 || [...this.sqsService.consumers.values()].some(({ instance }) => instance.status.isPolling);
    while (busy() && Date.now() < deadline) await sleep(50);
    this.shuttingDown = true;
    const left = [...this.inFlight.values()];
    if (left.length > 0) {
      this.logger.warn({ msg: 'Drain timed out; releasing in-flight messages', count: left.length });
      await Promise.all(left.map(({ consumer, message }) => this.changeVisibility(consumer, message, 0)));
    }
    this.logger.log({ msg: 'Consumers drained', released: left.length });
  }
}

function parseJson(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    throw new MalformedMessageError(`Message body is not valid JSON: ${(body ?? '').slice(0, 80)}`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
