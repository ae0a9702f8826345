import { DynamicModule, Module } from '@nestjs/common';
import type { ModuleMetadata, Type } from '@nestjs/common';
import { BackendResponseConsumer } from './backend-response.consumer';
import { BackendResponseRoute } from './backend-response.route';
import { ThreadAnswerHandler } from './thread-answer.handler';

export interface BackendResponseConsumerOptions {
  /** The host's handler of thread answers (see ThreadAnswerHandler). */
  threadAnswers: Type<ThreadAnswerHandler>;
  /** Modules that provide the handler's own dependencies (e.g. the host's Prisma module). */
  imports?: ModuleMetadata['imports'];
}

/** API side: applies the bot's answers from BACKEND_QUEUE_URL. Needs QueueModule with a `backend` consumer. */
@Module({})
export class BackendResponseConsumerModule {
  static forRoot(options: BackendResponseConsumerOptions): DynamicModule {
    return {
      module: BackendResponseConsumerModule,
      imports: options.imports ?? [],
      providers: [{ provide: ThreadAnswerHandler, useClass: options.threadAnswers }, BackendResponseRoute, BackendResponseConsumer],
    };
  }
}
