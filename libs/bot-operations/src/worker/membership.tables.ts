import { Inject, Injectable } from '@nestjs/common';
import { quoteTableNames } from '@discord-backbone/prisma';
import { BOT_OPERATIONS_OPTIONS, BotOperationsOptions, MembershipTableNames } from '../bot-operations.options';

const DEFAULT_TABLES: MembershipTableNames = {
  subscriptionChannels: 'subscription_channels',
  subscriptions: 'subscriptions',
  users: 'users',
};

/** The host's membership tables as quoted SQL identifiers, checked and quoted once at start-up. */
@Injectable()
export class MembershipTables implements MembershipTableNames {
  declare readonly subscriptionChannels: string;
  declare readonly subscriptions: string;
  declare readonly users: string;

  constructor(@Inject(BOT_OPERATIONS_OPTIONS) options: BotOperationsOptions) {
    Object.assign(this, quoteTableNames(DEFAULT_TABLES, options.tables));
  }
}
