import { Module } from '@nestjs/common';
import { ConfigurableRelayModule } from './relay.module-definition';

/**
 * The message relay (relay.md). `forRoot({ role: 'producer', settings, databaseUrl, ... })` (the
 * default role, RelayApiOptions): the /v1 API for backend bots, long polls and pruning; opens no
 * gateway connection; the app's ApiKeyGuard lets these routes through to their own guard.
 * `role: 'consumer'` (the worker, RelayIngestOptions): one Discord gateway connection per relay
 * bot, ingesting into Postgres. Either needs PrismaModule and a global DiscordModule.
 * `forRootAsync` takes the same extras beside `imports`/`inject`/`useFactory`.
 */
@Module({})
export class RelayModule extends ConfigurableRelayModule {}
