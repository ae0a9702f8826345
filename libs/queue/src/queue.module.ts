import { Module } from '@nestjs/common';
import { AttemptStore } from './attempt.store';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { MessagePipeline } from './message-pipeline';
import { BatchPipeline } from './pipeline/batch.pipeline';
import { EffectPipeline } from './pipeline/effect.pipeline';
import { FailureSettler } from './pipeline/failure.settler';
import { InFlightRegistry } from './pipeline/in-flight.registry';
import { MessageVisibility } from './pipeline/message-visibility';
import { OutageRelease } from './pipeline/outage-release';
import { PipelineMetrics } from './pipeline/pipeline.metrics';
import { TaskProtection } from './pipeline/task-protection';
import { PostgresOutageGate } from './postgres-outage.gate';
import { ProcessedMessageStore } from './processed-message.store';
import { ConfigurableQueueModule } from './queue.module-definition';

/**
 * The consumer side's SQS pollers (@ssut/nestjs-sqs finds each handler by name through
 * @SqsMessageHandler) and the MessagePipeline they all run through: one poller per entry of
 * `consumers`, none without. `forRoot(options)` or `forRootAsync({ imports, inject, useFactory })`;
 * global unless `isGlobal: false`. Needs SqsClientModule.
 */
@Module({
  providers: [
    DeadLetterPublisher,
    ProcessedMessageStore,
    AttemptStore,
    PostgresOutageGate,
    TaskProtection,
    MessageVisibility,
    InFlightRegistry,
    FailureSettler,
    OutageRelease,
    PipelineMetrics,
    BatchPipeline,
    EffectPipeline,
    MessagePipeline,
  ],
  exports: [MessagePipeline],
})
export class QueueModule extends ConfigurableQueueModule {}
