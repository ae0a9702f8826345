import { Inject, Injectable } from '@nestjs/common';
import { quoteQualifiedName } from '@discord-backbone/prisma';
import { BOT_OPERATIONS_OPTIONS, BotOperationsOptions, MembershipTableNames } from '../bot-operations.options';

const DEFAULT_TABLES: MembershipTableNames = { subscriptionChannels: 'subscription_channels', subscriptions: 'subscriptions', users: 'users' };

/** The host's membership tables as quoted SQL identifiers, checked and quoted once at start-up. */
@Injectable()
export class MembershipTables implements MembershipTableNames {
  readonly subscriptionChannels: string;
  readonly subscriptions: string;
  readonly users: string;

  constructor(@Inject(BOT_OPERATIONS_OPTIONS) options: BotOperationsOptions) {
    const name = (table: keyof MembershipTableNames) => quoteQualifiedName(options.tables?.[table] ?? DEFAULT_TABLES[table]);
    this.subscriptionChannels = name('subscriptionChannels');
    this.subscriptions = name('subscriptions');
    this.users = name('users');
  }
}
