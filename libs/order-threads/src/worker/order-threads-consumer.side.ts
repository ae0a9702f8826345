import type { RoleSides } from '@discord-backbone/queue';
import { ORDER_THREADS_OPTIONS, THREAD_WORKER_OPTIONS, threadWorkerOptions } from '../order-threads.options';
import { BackendResponsePublisher } from './backend-response.publisher';
import { ChatForwardHandler } from './chat-forward.handler';
import { CreateThreadHandler } from './create-thread.handler';
import { DiscordEffectLedger } from './discord-effect.ledger';
import { DiscordRequestConsumer } from './discord-request.consumer';
import { DiscordRequestRoute } from './discord-request.route';
import { OrderStatusHandler } from './order-status.handler';
import { ThreadLookup } from './thread.lookup';
import { UserAssignmentHandler } from './user-assignment.handler';

/** The consumer side: the `discord` queue's handler, which acts on Discord and answers on the backend queue. */
export const ORDER_THREADS_CONSUMER: RoleSides['consumer'] = {
  providers: [
    { provide: THREAD_WORKER_OPTIONS, inject: [ORDER_THREADS_OPTIONS], useFactory: threadWorkerOptions },
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
};
