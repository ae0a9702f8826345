import { Module } from '@nestjs/common';

/** API side of order threads (thread-queue-handoff.md). Needs OutboxModule. */
@Module({})
export class OrderThreadsModule {}
