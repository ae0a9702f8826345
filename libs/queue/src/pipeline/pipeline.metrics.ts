import { Injectable } from '@nestjs/common';
import { Counter, Histogram, metrics } from '@opentelemetry/api';
import { describeError } from '../errors';
import type { ConsumerSettings } from '../queue.options';
import { closeMessage, OpenedMessage } from './message-opening';
import type { Outcome } from './outcome';

/**
 * The consumers' metrics, recorded in one place, by the dispatcher (never by handlers), with the
 * OpenTelemetry messaging semantic conventions' names where they have one:
 * - `messaging.client.consumed.messages`: messages handled, by consumer and outcome (applied,
 *   duplicate, retry, dead_lettered, held …) and, for failures, `error.type`;
 * - `messaging.process.duration` (s): from receipt to outcome, per message;
 * - `messaging.batch.message_count`: messages per received batch;
 * - `messaging.process.lag` (s): how long a message waited on its queue (now − SentTimestamp).
 */
@Injectable()
export class PipelineMetrics {
  private readonly consumed: Counter;
  private readonly duration: Histogram;
  private readonly batchSize: Histogram;
  private readonly lag: Histogram;

  constructor() {
    const meter = metrics.getMeter('queue');
    this.consumed = meter.createCounter('messaging.client.consumed.messages', {
      description: 'Messages handled by a consumer, by outcome',
      unit: '{message}',
    });
    this.duration = meter.createHistogram('messaging.process.duration', {
      description: 'Time from receipt to outcome of a message',
      unit: 's',
    });
    this.batchSize = meter.createHistogram('messaging.batch.message_count', {
      description: 'Messages per received batch',
      unit: '{message}',
    });
    this.lag = meter.createHistogram('messaging.process.lag', {
      description: 'Time a message waited on its queue before it was received (now − SentTimestamp)',
      unit: 's',
    });
  }

  received(consumer: ConsumerSettings, opened: OpenedMessage<unknown>[]): void {
    const attributes = this.attributes(consumer);
    this.batchSize.record(opened.length, attributes);
    const now = Date.now();
    for (const o of opened) {
      const sent = Number(o.message.Attributes?.SentTimestamp);
      if (Number.isFinite(sent) && sent > 0) this.lag.record(Math.max(0, now - sent) / 1000, attributes);
    }
  }

  /** Ends the message's span and counts its outcome; `error` is why it failed, if it did. */
  closed(consumer: ConsumerSettings, opened: OpenedMessage<unknown>, outcome: Outcome, error?: unknown): void {
    closeMessage(opened, outcome);
    const attributes = {
      ...this.attributes(consumer),
      'messaging.outcome': outcome,
      ...(error === undefined ? {} : { 'error.type': describeError(error).errorClass }),
    };
    this.consumed.add(1, attributes);
    this.duration.record((performance.now() - opened.openedAt) / 1000, attributes);
  }

  private attributes(consumer: ConsumerSettings) {
    return {
      'messaging.system': 'aws_sqs',
      'messaging.destination.name': consumer.name,
      'messaging.operation.name': 'process',
    };
  }
}
