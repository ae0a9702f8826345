import { DynamicModule, Module } from '@nestjs/common';
import type { ModuleMetadata, Type } from '@nestjs/common';
import { BackendResponseConsumer } from './backend-response.consumer';
import { BackendResponseRoute } from './backend-response.route';
import { DiscordRequestAnswerHandler } from './discord-request-answer.handler';
import { RequestAnswerHandler } from './request-answer.handler';
import { ThreadAnswerHandler } from './thread-answer.handler';

export interface BackendResponseConsumerOptions {
  /** The host's handler of thread answers (see ThreadAnswerHandler). */
  threadAnswers: Type<ThreadAnswerHandler>;
  /**
   * The host's handler of Phase 4 answers (order_status_updated, user_assigned,
   * chat_message_forwarded and their errors; see RequestAnswerHandler). Default
   * DiscordRequestAnswerHandler: this repository's reference orders API's `discord_requests` rows.
   */
  requestAnswers?: Type<RequestAnswerHandler>;
  /** Modules that provide the handlers' own dependencies (e.g. the host's Prisma module). */
  imports?: ModuleMetadata['imports'];
}

/** API side: applies the bot's answers from BACKEND_QUEUE_URL. Needs QueueModule with a `backend` consumer. */
@Module({})
export class BackendResponseConsumerModule {
  static forRoot(options: BackendResponseConsumerOptions): DynamicModule {
    return {
      module: BackendResponseConsumerModule,
      imports: options.imports ?? [],
      providers: [
        { provide: ThreadAnswerHandler, useClass: options.threadAnswers },
        { provide: RequestAnswerHandler, useClass: options.requestAnswers ?? DiscordRequestAnswerHandler },
        BackendResponseRoute,
        BackendResponseConsumer,
      ],
    };
  }
}
