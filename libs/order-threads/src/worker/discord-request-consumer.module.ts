import { Module } from '@nestjs/common';
import { Environment } from '@discord-backbone/config';
import { BackendResponsePublisher } from './backend-response.publisher';
import { ChatForwardHandler } from './chat-forward.handler';
import { CreateThreadHandler } from './create-thread.handler';
import { DiscordEffectLedger } from './discord-effect.ledger';
import { DiscordRequestConsumer } from './discord-request.consumer';
import { DiscordRequestRoute } from './discord-request.route';
import { OrderStatusHandler } from './order-status.handler';
import { THREAD_INVITE_OPTIONS, ThreadInviteOptions } from './thread-invite.options';
import { ThreadLookup } from './thread.lookup';
import { UserAssignmentHandler } from './user-assignment.handler';

/** Worker side: consumes DISCORD_QUEUE_URL, acts on Discord, answers on BACKEND_QUEUE_URL. Needs QueueModule and DiscordModule. */
@Module({
  providers: [
    {
      provide: THREAD_INVITE_OPTIONS,
      inject: [Environment],
      useFactory: (env: Environment): ThreadInviteOptions => ({ maxAgeSeconds: env.DISCORD_THREAD_INVITE_MAX_AGE_SECONDS }),
    },
    BackendResponsePublisher,
    DiscordEffectLedger,
    ThreadLookup,
    CreateThreadHandler,
    OrderStatusHandler,
    UserAssignmentHandler,
    ChatForwardHandler,
    DiscordRequestRoute,
    DiscordRequestConsumer,
  ],
})
export class DiscordRequestConsumerModule {}
