import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@discord-backbone/auth';
import { BotOperationsModule } from '@discord-backbone/bot-operations';
import { CampaignsModule } from '@discord-backbone/campaigns';
import { QueueName, QUEUES } from '@discord-backbone/contracts';
import { DiscordModule } from '@discord-backbone/discord';
import { BackendResponseConsumerModule, OrderThreadsModule } from '@discord-backbone/order-threads';
import { OutboxModule } from '@discord-backbone/outbox';
import { backboneTable, outboxTable, PrismaModule } from '@discord-backbone/prisma';
import { PrizesModule } from '@discord-backbone/prizes';
import { QueueModule, SqsClientModule } from '@discord-backbone/queue';
import { loadRelayConfig, RelayModule } from '@discord-backbone/relay';
import { AccountsController } from './accounts.controller';
import { HealthController } from './health.controller';
import { PRIZE_TABLES } from './host-tables';
import { MarketplaceDbModule } from './marketplace-db';
import { MembersController } from './members.controller';
import { OrderRequestAnswers } from './order-request-answers';
import { OrderThreadAnswers } from './order-thread-answers';
import { OrdersController } from './orders.controller';
import { readSettings } from './settings';

/**
 * The marketplace's backend with the backbone's modules: it produces (order threads, bot
 * operations), sends what it staged (the outbox), applies the bot's answers to its own orders,
 * links Discord accounts (claiming pending prizes into its own tables), and serves Discord's
 * interactions endpoint and the relay's /v1 API. The worker deployment —
 * the backbone's own image — consumes the Discord-side queues against the same database.
 */
@Module({})
export class AppModule {
  static forRoot(): DynamicModule {
    const settings = readSettings();
    const relay = settings.relayConfig ? loadRelayConfig(settings.relayConfig) : undefined;
    return {
      module: AppModule,
      imports: [
        MarketplaceDbModule,
        // Every route needs a key unless marked @PublicRoute, ours and the packages' alike (the
        // interactions endpoint and /v1 bring their own checks: Discord's signature, backend keys).
        AuthModule.forRoot({
          serviceKeys: settings.apiKeys,
          adminKeys: [],
          disabled: false,
          otherRealms: relay ? [relay.backendKeys] : [],
        }),
        // The backbone's own database access: its tables are in the discord_backbone schema of our database.
        PrismaModule.forRoot({ databaseUrl: settings.databaseUrl }),
        SqsClientModule.forRoot({ region: settings.awsRegion, endpoint: settings.sqsEndpoint }),
        DiscordModule.forRoot({
          isGlobal: true,
          token: settings.discordBotToken,
          apiBaseUrl: settings.discordApiBaseUrl,
          requestTimeoutMs: 15_000,
        }),
        // 'consumer': this process also sends what our transactions staged. Our connections have
        // no search_path to the backbone's schema, so staging names its table.
        OutboxModule.forRoot({
          role: 'consumer',
          table: outboxTable(),
          destinations: {
            [QueueName.DISCORD]: settings.discordQueueUrl,
            [QueueName.BOT_OPERATIONS]: settings.botOperationsQueueUrl,
            [QueueName.CAMPAIGN]: settings.campaignQueueUrl,
          },
        }),
        // Producers only; `routes: false`: our orders API is our own, not the backbone's reference one.
        OrderThreadsModule.forRoot({ routes: false }),
        BotOperationsModule.forRoot({
          routes: false,
          queueUrl: settings.botOperationsQueueUrl,
          table: backboneTable('bot_operations'),
        }),
        // Account linking (AccountLinkService): claims what was awarded to an unlinked account into our tables.
        PrizesModule.forRoot({ routes: false, tables: PRIZE_TABLES }),
        // The bot's answers on the backend queue, applied by our handlers: thread_created / thread errors,
        // and the Phase 4 answers (order_status_updated …).
        QueueModule.forRoot({
          shutdownDrainTimeoutMs: 10_000,
          consumers: [
            { name: QueueName.BACKEND, queueUrl: settings.backendQueueUrl, ...QUEUES[QueueName.BACKEND].defaults },
          ],
        }),
        BackendResponseConsumerModule.forRoot({
          threadAnswers: OrderThreadAnswers,
          requestAnswers: OrderRequestAnswers,
          imports: [MarketplaceDbModule],
        }),
        ...(settings.discordPublicKey ? [CampaignsModule.forRoot({ publicKey: settings.discordPublicKey })] : []),
        ...(relay
          ? [
              RelayModule.forRoot({
                role: 'producer',
                settings: relay,
                databaseUrl: settings.databaseUrl,
                apiBaseUrl: settings.discordApiBaseUrl,
                requestTimeoutMs: 15_000,
                rateLimitPerMinute: 1200,
                retentionHours: 24,
              }),
            ]
          : []),
      ],
      controllers: [HealthController, OrdersController, MembersController, AccountsController],
    };
  }
}
