import { Module } from '@nestjs/common';
import { Environment } from '@discord-backbone/config';
import { BotOperationConsumer } from './bot-operation.consumer';
import { BotOperationRecorder } from './bot-operation.recorder';
import { BotOperationRoute } from './bot-operation.route';
import { BOT_WORKER_OPTIONS, BotWorkerOptions } from '../bot-operations.options';
import { InviteUserHandler } from './invite-user.handler';
import { InviteDelivery } from './invite.delivery';
import { MembershipState } from './membership.state';
import { RemoveUserHandler } from './remove-user.handler';
import { SubscriptionRoleCheck } from '../subscription-role.check';
import { VerifyPermissionsHandler } from './verify-permissions.handler';

/**
 * Worker side: consumes the bot operations FIFO queue and acts on Discord. Needs QueueModule
 * with a `bot-operations` consumer and a global DiscordRestClient (the worker module provides both).
 */
@Module({
  providers: [
    {
      provide: BOT_WORKER_OPTIONS,
      inject: [Environment],
      useFactory: (env: Environment): BotWorkerOptions => ({ inviteMaxAgeSeconds: env.BOT_INVITE_MAX_AGE_SECONDS }),
    },
    MembershipState,
    SubscriptionRoleCheck,
    BotOperationRecorder,
    InviteDelivery,
    InviteUserHandler,
    RemoveUserHandler,
    VerifyPermissionsHandler,
    BotOperationRoute,
    BotOperationConsumer,
  ],
})
export class BotOperationsConsumerModule {}
