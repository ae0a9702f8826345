import { Module } from '@nestjs/common';
import { BackendResponseConsumer } from './backend-response.consumer';
import { BackendResponseRoute } from './backend-response.route';

/** API side: applies the bot's answers from BACKEND_QUEUE_URL. Needs QueueModule with a `backend` consumer. */
@Module({ providers: [BackendResponseRoute, BackendResponseConsumer] })
export class BackendResponseConsumerModule {}
