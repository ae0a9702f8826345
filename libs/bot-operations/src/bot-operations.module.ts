import { Module } from '@nestjs/common';

/** API side of bot operations (bot-operation-queue.md). Needs OutboxModule. */
@Module({})
export class BotOperationsModule {}
