import { Global, Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { SqsService } from '@ssut/nestjs-sqs';
import { QUEUE_OPTIONS, QueueModuleOptions } from './queue.options';
import { backOffFailedReceives } from './receive-backoff';

/**
 * Listens to every consumer's events from the moment @ssut/nestjs-sqs has created and started
 * them: sqs-consumer emits receive and delete failures as 'error' events, and an 'error' event
 * nobody listens to is thrown inside its poll loop, an unhandled rejection that ends the process.
 * Also refuses to start when a configured consumer has no @SqsMessageHandler (the library only
 * logs a warning and never polls that queue).
 */
@Injectable()
export class ConsumerEvents implements OnModuleInit {
  private readonly logger = new Logger(ConsumerEvents.name);

  constructor(
    private readonly sqsService: SqsService,
    @Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions,
  ) {}

  onModuleInit(): void {
    const missing = this.options.consumers.filter((c) => !this.sqsService.consumers.has(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      throw new Error(
        `No @SqsMessageHandler is registered for consumer(s) ${missing.join(', ')}: import the consumer's module (their queues would never be polled)`,
      );
    }
    for (const [name, { instance }] of this.sqsService.consumers) {
      backOffFailedReceives(name, instance, this.logger);
      for (const event of ['processing_error', 'timeout_error'] as const) {
        instance.on(event, (...[error]: [Error, ...unknown[]]) =>
          this.logger.error({ msg: `SQS consumer ${event}`, consumer: name, error: error.message }),
        );
      }
    }
  }
}

/**
 * Global, and imported by QueueModule after SqsModule (also global): Nest runs the init hooks of
 * global modules in the order they were registered, so ConsumerEvents.onModuleInit runs right
 * after SqsService.onModuleInit has started the consumers, before any receive can have failed.
 */
@Global()
@Module({})
export class ConsumerEventsModule {}
