import { Module } from '@nestjs/common';
import { ConfigurablePrizesModule } from './prizes.module-definition';

/**
 * Prizes (prize grants, pending ownership, claims). `forRoot({})` (the default `producer` role):
 * user creation and Discord account linking, which claims pending prizes (POST /users, …); needs a
 * global DiscordRestClient. `forRoot({ role: 'consumer' })` (the worker): the `prize-distribution`
 * queue's handler; needs QueueModule with that consumer. Both need PrismaModule and export
 * ItemsService and PendingOwnershipService.
 */
@Module({})
export class PrizesModule extends ConfigurablePrizesModule {}
