import { Module } from '@nestjs/common';

/** API side: applies the bot's responses from BACKEND_QUEUE_URL. Needs QueueModule with a `backend` consumer. */
@Module({})
export class BackendResponseConsumerModule {}
