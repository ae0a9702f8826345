import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SqsService } from '@ssut/nestjs-sqs';
import { Consumer } from 'sqs-consumer';
import { QUEUE_OPTIONS, QueueModuleOptions, SQS_CLIENT } from './queue.options';
import { toConsumerOptions } from './consumer-options';

/**
 * sqs-consumer runs one receive → handle → delete cycle at a time, so one consumer leaves the
 * worker idle while it waits on SQS and Postgres. For `concurrency` > 1 this starts more pollers
 * on the same queue with the same handler, registered with @ssut/nestjs-sqs's SqsService so
 * they stop with it and the pipeline's drain waits for them. (Not for FIFO queues: parallel
 * pollers would break group order.)
 */
@Injectable()
export class ParallelPollers implements OnModuleInit {
  private readonly logger = new Logger(ParallelPollers.name);

  constructor(
    private readonly sqsService: SqsService,
    @Inject(SQS_CLIENT) private readonly sqs: SQSClient,
    @Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions,
  ) {}

  /** Runs after SqsService.onModuleInit (SqsModule is imported by QueueModule) created the consumers. */
  onModuleInit(): void {
    for (const settings of this.options.consumers) {
      const primary = this.sqsService.consumers.get(settings.name);
      if (!primary || settings.concurrency <= 1) continue;
      // The handler @ssut/nestjs-sqs bound to the primary consumer (sqs-consumer keeps it private).
      const handler = (primary.instance as unknown as { handleMessageBatch?: (messages: Message[]) => Promise<Message[]> }).handleMessageBatch;
      if (!handler) throw new Error(`Consumer ${settings.name} needs a batch handler for concurrency > 1`);
      for (let i = 2; i <= settings.concurrency; i++) {
        const instance = Consumer.create({ ...toConsumerOptions(settings, this.sqs, this.options.shutdownDrainTimeoutMs), handleMessageBatch: handler });
        this.sqsService.consumers.set(`${settings.name}#${i}`, { instance, stopOptions: primary.stopOptions });
        instance.start();
      }
      this.logger.log({ msg: 'Pollers started', consumer: settings.name, concurrency: settings.concurrency });
    }
  }
}
