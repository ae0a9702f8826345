import { Module } from '@nestjs/common';
import { ConfigurableOrderThreadsModule } from './order-threads.module-definition';

/**
 * Order threads (thread-queue-handoff.md). `forRoot({})` (the default `producer` role): orders,
 * offer sessions and contractors over REST and DiscordQueueProducer, staging in the outbox; needs
 * OutboxModule with a `discord` destination. `forRoot({ role: 'consumer', backendQueueUrl, ... })`
 * (the worker): the `discord` queue's handler, which acts on Discord and answers on the backend
 * queue; needs QueueModule with that consumer and a global DiscordRestClient. The answers are
 * applied by BackendResponseConsumerModule on the producer's side.
 */
@Module({})
export class OrderThreadsModule extends ConfigurableOrderThreadsModule {}
