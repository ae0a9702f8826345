import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamicModule, INestApplication, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SqsService } from '@ssut/nestjs-sqs';
import { BotOperationsModule, BotQueueProducer } from '@discord-backbone/bot-operations';
import { QueueName } from '@discord-backbone/contracts';
import { DiscordModule } from '@discord-backbone/discord';
import { FakeDiscord, startFakeDiscord } from '@discord-backbone/discord-standin';
import { OrderThreadsModule } from '@discord-backbone/order-threads';
import { OutboxDispatcher, OutboxModule } from '@discord-backbone/outbox';
import { PrismaModule, PrismaService } from '@discord-backbone/prisma';
import { PrizesModule } from '@discord-backbone/prizes';
import { QueueModule, SQS_CLIENT, SqsClientModule } from '@discord-backbone/queue';
import { loadRelayConfig, RelayGatewayHealthIndicator, RelayMaintenance, RelayModule } from '@discord-backbone/relay';
import { LoggingModule } from '@discord-backbone/telemetry';
import { resetDatabase, snowflake, testPrisma } from '../support/database';
import { createSystemQueue, QueuePair, testSqsClient, waitFor } from '../support/sqs';

/**
 * The modules as a host (the marketplace backend) imports them, in a bare Nest app of its own,
 * on the real Postgres and SQS endpoint: no app module, no Environment.
 */
describe('modules as a host imports them', () => {
  const prisma = testPrisma();
  const sqs = testSqsClient();
  let fake: FakeDiscord;
  let botQueue: QueuePair;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    await resetDatabase(prisma);
    fake = await startFakeDiscord();
    botQueue = await createSystemQueue(sqs, QueueName.BOT_OPERATIONS, { prefix: 'host-bot-ops' });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await fake.close();
    await prisma.$disconnect();
    sqs.destroy();
  });

  const inviteUser = (host: INestApplication) =>
    host
      .get(PrismaService)
      .$transaction((tx) =>
        host
          .get(BotQueueProducer)
          .enqueueInviteUser(tx, { discordUserId: snowflake(), channelId: snowflake(), subscriptionId: randomUUID() }),
      );

  /** Creates the app and records every command its SQS client sends from before start-up on. */
  const start = async (root: DynamicModule): Promise<{ host: INestApplication; commands: string[] }> => {
    const host = await NestFactory.create(root, { logger: false, abortOnError: false });
    const commands: string[] = [];
    host.get<SQSClient>(SQS_CLIENT).middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    await host.init();
    app = host;
    return { host, commands };
  };

  it('in the producer role (the default), stages a bot operation and opens no SQS poller, no outbox sender and no Discord connection', async () => {
    @Module({})
    class ProducerHostModule {}
    const { host, commands } = await start({
      module: ProducerHostModule,
      imports: [
        PrismaModule.forRoot({ databaseUrl: process.env.TEST_DATABASE_URL! }),
        SqsClientModule.forRoot({ region: 'us-east-1', endpoint: process.env.TEST_SQS_ENDPOINT! }),
        DiscordModule.forRoot({ isGlobal: true, token: fake.token, apiBaseUrl: fake.apiUrl, requestTimeoutMs: 2000 }),
        OutboxModule.forRoot({ destinations: { [QueueName.BOT_OPERATIONS]: botQueue.queueUrl }, pollIntervalMs: 20 }),
        BotOperationsModule.forRoot({ queueUrl: botQueue.queueUrl }),
        OrderThreadsModule.forRoot({}),
        PrizesModule.forRoot({}),
      ],
    });

    const { operationId } = await inviteUser(host);
    // Many outbox poll intervals: a sender, had one started, would have sent it by now.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const staged = await prisma.outboxMessage.findFirstOrThrow({ where: { deduplicationId: operationId } });
    expect(staged.sentAt).toBeNull();
    expect(commands).toEqual([]); // no ReceiveMessage (poller), no SendMessageBatch (outbox sender)
    expect(() => host.get(SqsService, { strict: false })).toThrow();
    expect(() => host.get(OutboxDispatcher, { strict: false })).toThrow();
    expect(fake.requests).toEqual([]); // not even GET /gateway/bot
  });

  it('takes every setting through forRootAsync from a provider of a non-global host module, and sends in the outbox consumer role', async () => {
    @Injectable()
    class HostSettings {
      readonly databaseUrl = process.env.TEST_DATABASE_URL!;
      readonly sqsEndpoint = process.env.TEST_SQS_ENDPOINT!;
      readonly botQueueUrl = botQueue.queueUrl;
    }
    @Module({ providers: [HostSettings], exports: [HostSettings] })
    class HostSettingsModule {}
    @Module({})
    class AsyncHostModule {}
    const settings = { imports: [HostSettingsModule], inject: [HostSettings] };

    const { host } = await start({
      module: AsyncHostModule,
      imports: [
        LoggingModule.forRootAsync({ ...settings, useFactory: () => ({ level: 'silent' }) }),
        PrismaModule.forRootAsync({ ...settings, useFactory: (s: HostSettings) => ({ databaseUrl: s.databaseUrl }) }),
        SqsClientModule.forRootAsync({
          ...settings,
          useFactory: (s: HostSettings) => ({ region: 'us-east-1', endpoint: s.sqsEndpoint }),
        }),
        DiscordModule.forRootAsync({
          ...settings,
          isGlobal: true,
          useFactory: () => ({ token: fake.token, apiBaseUrl: fake.apiUrl, requestTimeoutMs: 2000 }),
        }),
        OutboxModule.forRootAsync({
          ...settings,
          role: 'consumer',
          useFactory: (s: HostSettings) => ({
            destinations: { [QueueName.BOT_OPERATIONS]: s.botQueueUrl },
            pollIntervalMs: 20,
          }),
        }),
        BotOperationsModule.forRootAsync({
          ...settings,
          useFactory: (s: HostSettings) => ({ queueUrl: s.botQueueUrl }),
        }),
        QueueModule.forRootAsync({ ...settings, useFactory: () => ({ consumers: [], shutdownDrainTimeoutMs: 1000 }) }),
      ],
    });

    const { operationId } = await inviteUser(host);

    const received = await waitFor(
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: botQueue.queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
        );
        await Promise.all(
          Messages.map((m) =>
            sqs.send(new DeleteMessageCommand({ QueueUrl: botQueue.queueUrl, ReceiptHandle: m.ReceiptHandle })),
          ),
        );
        return Messages.find((m) => (JSON.parse(m.Body!) as { operationId?: string }).operationId === operationId);
      },
      { what: 'the invite on the bot operations queue' },
    );
    expect(received).toBeDefined();
    expect(() => host.get(SqsService, { strict: false })).not.toThrow(); // QueueModule is there, with no consumer
  });

  it('takes the relay by role through forRootAsync: the producer serves /v1 and opens no gateway connection, the consumer connects and serves no /v1', async () => {
    const discord = await startFakeDiscord();
    await discord.startGateway();
    const key = 'host-relay-backend-key-0123456789abcdefgh';
    const relayConfig = path.join(mkdtempSync(path.join(tmpdir(), 'host-relay-')), 'relay.yaml');
    writeFileSync(
      relayConfig,
      `discord_bots: [{ id: discord_a, token: "${discord.token}" }]\nbackend_bots: [{ id: alpha, api_key: "${key}" }]\nrouting: { defaults: { discord_a: alpha } }\n`,
    );
    @Injectable()
    class HostSettings {
      readonly databaseUrl = process.env.TEST_DATABASE_URL!;
      readonly relay = loadRelayConfig(relayConfig);
    }
    @Module({ providers: [HostSettings], exports: [HostSettings] })
    class HostSettingsModule {}
    @Module({})
    class RelayHostModule {}
    const settings = { imports: [HostSettingsModule], inject: [HostSettings] };
    const relayHost = (relay: DynamicModule): DynamicModule => ({
      module: RelayHostModule,
      imports: [
        PrismaModule.forRoot({ databaseUrl: process.env.TEST_DATABASE_URL! }),
        SqsClientModule.forRoot({ region: 'us-east-1', endpoint: process.env.TEST_SQS_ENDPOINT! }),
        DiscordModule.forRoot({
          isGlobal: true,
          token: discord.token,
          apiBaseUrl: discord.apiUrl,
          requestTimeoutMs: 2000,
        }),
        relay,
      ],
    });
    const health = async (host: INestApplication) => {
      await host.listen(0, '127.0.0.1');
      return fetch(`${await host.getUrl()}/v1/health`, { headers: { authorization: `Bearer ${key}` } });
    };

    try {
      const producer = await start(
        relayHost(
          RelayModule.forRootAsync({
            ...settings,
            useFactory: (s: HostSettings) => ({
              settings: s.relay,
              databaseUrl: s.databaseUrl,
              apiBaseUrl: discord.apiUrl,
              requestTimeoutMs: 2000,
              rateLimitPerMinute: 1200,
              retentionHours: 24,
            }),
          }),
        ),
      );
      const served = await health(producer.host);
      expect(served.status).toBe(200);
      expect(await served.json()).toEqual({ status: 'ok', backend_bot_id: 'alpha' });
      expect(served.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(() => producer.host.get(RelayMaintenance, { strict: false })).not.toThrow();
      expect(() => producer.host.get(RelayGatewayHealthIndicator, { strict: false })).toThrow();
      expect(discord.requests).toEqual([]); // not even GET /gateway/bot
      expect(producer.commands).toEqual([]);
      await producer.host.close();
      app = undefined;

      const consumer = await start(
        relayHost(
          RelayModule.forRootAsync({
            ...settings,
            role: 'consumer',
            useFactory: (s: HostSettings) => ({
              settings: s.relay,
              apiBaseUrl: discord.apiUrl,
              requestTimeoutMs: 2000,
              backfillMaxMessages: 0,
              ingestMaxPending: 100,
              shutdownDrainTimeoutMs: 1000,
            }),
          }),
        ),
      );
      const gateway = consumer.host.get(RelayGatewayHealthIndicator, { strict: false });
      await waitFor(() => gateway.isHealthy().relay_gateway.status === 'up', {
        what: 'the relay gateway connection',
        timeoutMs: 20_000,
      });
      expect(discord.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /gateway/bot');
      const notServed = await health(consumer.host);
      expect(notServed.status).toBe(404);
      expect(notServed.headers.get('x-request-id')).toBeNull(); // no /v1 middleware without its routes
      expect(() => consumer.host.get(RelayMaintenance, { strict: false })).toThrow();
    } finally {
      await app?.close();
      app = undefined;
      await discord.close();
    }
  });
});
