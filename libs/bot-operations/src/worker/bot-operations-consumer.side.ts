import type { RoleSides } from '@discord-backbone/queue';
import {
  BOT_OPERATIONS_OPTIONS,
  BOT_WORKER_OPTIONS,
  BotOperationsOptions,
  BotWorkerOptions,
  DEFAULT_BOT_INVITE_MAX_AGE_SECONDS,
} from '../bot-operations.options';
import { SubscriptionRoleCheck } from '../subscription-role.check';
import { BotOperationConsumer } from './bot-operation.consumer';
import { BotOperationRecorder } from './bot-operation.recorder';
import { BotOperationRoute } from './bot-operation.route';
import { InviteUserHandler } from './invite-user.handler';
import { InviteDelivery } from './invite.delivery';
import { MembershipState } from './membership.state';
import { MembershipTables } from './membership.tables';
import { RemoveUserHandler } from './remove-user.handler';
import { VerifyPermissionsHandler } from './verify-permissions.handler';

/** The consumer side: the `bot-operations` queue's handler, which acts on Discord. */
export const BOT_OPERATIONS_CONSUMER: RoleSides['consumer'] = {
  providers: [
    {
      provide: BOT_WORKER_OPTIONS,
      inject: [BOT_OPERATIONS_OPTIONS],
      useFactory: (o: BotOperationsOptions): BotWorkerOptions => ({
        inviteMaxAgeSeconds: o.inviteMaxAgeSeconds ?? DEFAULT_BOT_INVITE_MAX_AGE_SECONDS,
      }),
    },
    MembershipTables,
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
};
