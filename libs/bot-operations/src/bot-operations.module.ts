import { Module } from '@nestjs/common';
import { ConfigurableBotOperationsModule } from './bot-operations.module-definition';

/**
 * Bot operations (bot-operation-queue.md). `forRoot({ role: 'producer', queueUrl })` (the default
 * role): the subscription, listing and bot-operation routes and BotQueueProducer, staging in the
 * outbox; needs OutboxModule with a `bot-operations` destination and a global DiscordRestClient
 * (subscription roles are checked with Discord at registration). `role: 'consumer'` (the worker):
 * the `bot-operations` queue's handler; needs QueueModule with that consumer and a global
 * DiscordRestClient. `forRootAsync` takes the same extras beside `imports`/`inject`/`useFactory`.
 */
@Module({})
export class BotOperationsModule extends ConfigurableBotOperationsModule {}
