import { createServer } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { QueueName } from '@discord-backbone/contracts';
import { DiscordModule, DiscordRestClient } from '@discord-backbone/discord';
import { startFakeDiscord } from '@discord-backbone/discord-standin';
import { itemAwarded } from '../factories/prize-events';
import { seedCommunity } from '../factories/rows';
import { campaignRig } from '../support/campaigns';
import { http } from '../support/http';
import { useTestInfra } from '../support/infra';
import { orderThreadsRig, seedParticipants } from '../support/order-threads';
import { KEY_ALPHA, relayHttp, relayRig, seedDeliveries } from '../support/relay';
import { createSystemQueue, QueuePair, send, waitFor } from '../support/sqs';
import { captureTelemetry } from '../support/telemetry';
import { startWorker, workerEnv } from '../support/worker';
import { freePort, spawnApp, WorkerProcess } from '../support/worker-process';

const { metrics } = captureTelemetry();

/** Metrics read back through an in-memory reader after real flows. */
describe('metrics', () => {
  const { sqs, prisma } = useTestInfra();
  let worker: INestApplication | undefined;
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  it('counts every message by consumer and outcome, with its processing time, batch size and queue lag', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable } = await seedCommunity(prisma);
    const consumer = { 'messaging.destination.name': 'prize-distribution' };
    const before = {
      applied: await metrics.value('messaging.client.consumed.messages', {
        ...consumer,
        'messaging.outcome': 'applied',
      }),
      dead: await metrics.value('messaging.client.consumed.messages', {
        ...consumer,
        'messaging.outcome': 'dead_lettered',
        'error.type': 'MalformedMessageError',
      }),
      duration: await metrics.value('messaging.process.duration', consumer),
    };
    const award = () =>
      itemAwarded({ discordGuildId: community.discordGuildId, itemTypeId: stackable.id, quantity: 1 });
    await send(sqs, queues.queueUrl, award());
    await send(sqs, queues.queueUrl, award());
    await send(sqs, queues.queueUrl, '{"eventType": "ITEM_AWARDED",');
    worker = await startWorker(queues);
    await waitFor(async () => (await prisma.pendingOwnership.count()) === 2, { what: 'two grants' });
    await waitFor(
      async () =>
        (await metrics.value('messaging.client.consumed.messages', {
          ...consumer,
          'messaging.outcome': 'dead_lettered',
        })) > before.dead,
      { what: 'the dead-letter counted' },
    );

    expect(
      await metrics.value('messaging.client.consumed.messages', { ...consumer, 'messaging.outcome': 'applied' }),
    ).toBe(before.applied + 2);
    expect(
      await metrics.value('messaging.client.consumed.messages', {
        ...consumer,
        'messaging.outcome': 'dead_lettered',
        'error.type': 'MalformedMessageError',
      }),
    ).toBe(before.dead + 1);
    expect(await metrics.value('messaging.process.duration', consumer)).toBe(before.duration + 3);
    expect(await metrics.value('messaging.batch.message_count', consumer)).toBeGreaterThan(0);
    expect(await metrics.value('messaging.process.lag', consumer)).toBeGreaterThanOrEqual(3);
  });

  it('reports the outbox: messages waiting and the oldest one’s age', async () => {
    const rig = await orderThreadsRig(sqs);
    try {
      const { url } = await rig.startApi({ OUTBOX_RELAY_ENABLED: 'false' });
      const { customer, community } = await seedParticipants(prisma, rig);
      for (const title of ['one', 'two'])
        expect(
          (await http(url, 'POST', '/orders', { title, customerId: customer.id, communityId: community.id })).status,
        ).toBe(201);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await metrics.value('outbox.messages.waiting', { 'messaging.destination.name': 'discord' })).toBe(2);
      expect(
        await metrics.value('outbox.oldest_message.age', { 'messaging.destination.name': 'discord' }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await rig.close();
    }
  });

  it('counts Discord calls by route template and status, the rate limits hit, and the invalid-request budget in use', async () => {
    const fake = await startFakeDiscord();
    const module = await Test.createTestingModule({
      imports: [
        DiscordModule.forRootAsync({
          useFactory: () => ({
            token: fake.token,
            apiBaseUrl: fake.apiUrl,
            requestTimeoutMs: 2000,
            invalidRequestBudget: 50,
          }),
        }),
      ],
    }).compile();
    module.useLogger(false);
    try {
      const discord = module.get(DiscordRestClient);
      const guild = fake.addGuild();
      const channelId = fake.addChannel(guild.id);
      const ok = { 'url.template': '/channels/:id', 'http.response.status_code': 200 };
      const before = {
        ok: await metrics.value('discord.requests', ok),
        limited: await metrics.value('discord.rate_limits'),
      };
      await discord.getChannel(channelId);
      await discord.getChannel(channelId);
      fake.failNext({ path: /^\/channels\/\d+$/, status: 403, code: 50013 });
      await discord.getChannel(channelId).catch(() => undefined);
      // Last: after a 429 the client knows the bucket is empty and refuses further calls itself.
      fake.failNext({ path: /^\/channels\/\d+$/, status: 429, retryAfterSeconds: 1 });
      await discord.getChannel(channelId).catch(() => undefined);

      expect(await metrics.value('discord.requests', ok)).toBe(before.ok + 2);
      expect(
        await metrics.value('discord.requests', { 'url.template': '/channels/:id', 'http.response.status_code': 403 }),
      ).toBeGreaterThanOrEqual(1);
      expect(await metrics.value('discord.rate_limits')).toBe(before.limited + 1);
      expect(await metrics.value('discord.invalid_requests', { 'discord.invalid_requests.budget': 50 })).toBe(2);
    } finally {
      await module.close();
      await fake.close();
    }
  });

  it('reports the relay’s deliveries per backend and state, and the oldest pending one’s age', async () => {
    const rig = await relayRig();
    try {
      const { url } = await rig.startApi();
      await seedDeliveries(prisma, 3, { backendBotId: 'alpha' });
      expect((await relayHttp(url, 'POST', '/v1/messages/lease', { key: KEY_ALPHA, body: { limit: 1 } })).status).toBe(
        200,
      );
      await new Promise((r) => setTimeout(r, 1100));
      expect(
        await metrics.value('relay.deliveries', { 'relay.backend_bot.id': 'alpha', 'relay.delivery.state': 'pending' }),
      ).toBe(2);
      expect(
        await metrics.value('relay.deliveries', { 'relay.backend_bot.id': 'alpha', 'relay.delivery.state': 'leased' }),
      ).toBe(1);
      expect(
        await metrics.value('relay.oldest_pending.age', { 'relay.backend_bot.id': 'alpha' }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await rig.close();
    }
  });

  it('reports campaigns by status', async () => {
    const rig = await campaignRig(sqs, prisma);
    try {
      await rig.startApi();
      await rig.startWorker();
      const { id } = await rig.campaignOf((await rig.addCampaign('Metrics')).interaction);
      await rig.waitForCampaign(id, (c) => c.status === 'completed', 'completed');
      expect(await metrics.value('campaigns', { 'campaign.status': 'completed' })).toBe(1);
      expect(await metrics.value('campaigns', { 'campaign.status': 'running' })).toBe(0);
    } finally {
      await rig.close();
    }
  });
});

/** The built worker (`npm run build`) serving its metrics to Prometheus, as `OTEL_METRICS_EXPORTER=prometheus` runs it. */
describe('metrics scraped from the worker process', () => {
  const { sqs, prisma } = useTestInfra();
  let worker: WorkerProcess | undefined;
  afterEach(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    worker = undefined;
  });

  const spawnScrapedWorker = (queues: QueuePair, port: number) =>
    spawnApp('worker', {
      ...workerEnv(queues, { LOG_LEVEL: 'info' }),
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    });

  /** Scraped samples as `name{labels}` → value, labels in the exporter's order. */
  async function scrape(
    port: number,
  ): Promise<{ text: string; sample: (name: string, labels: Record<string, string>) => number | undefined }> {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const sample = (name: string, labels: Record<string, string>) => {
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    return { text, sample };
  }

  it('counts a real prize event for the prize consumer, with its duration in buckets from 1 ms to 60 s', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable } = await seedCommunity(prisma);
    const port = await freePort();
    worker = await spawnScrapedWorker(queues, port);
    await send(
      sqs,
      queues.queueUrl,
      itemAwarded({ discordGuildId: community.discordGuildId, itemTypeId: stackable.id, quantity: 1 }),
    );
    await waitFor(async () => (await prisma.pendingOwnership.count()) === 1, { what: 'the grant' });

    const prizes = { messaging_destination_name: 'prize-distribution', messaging_outcome: 'applied' };
    let scraped = await scrape(port);
    await waitFor(
      async () => (scraped = await scrape(port)).sample('messaging_client_consumed_messages_total', prizes) === 1,
      { what: 'the applied message counted' },
    );
    const { text, sample } = scraped;
    for (const histogram of ['messaging_process_duration', 'messaging_process_lag']) {
      const labels = { messaging_destination_name: 'prize-distribution' };
      const bounds = text
        .split('\n')
        .filter((l) => l.startsWith(`${histogram}_bucket{`) && l.includes('prize-distribution'))
        .map((l) => /le="([^"]+)"/.exec(l)![1]);
      expect({ histogram, bounds: [...new Set(bounds)] }).toEqual({
        histogram,
        bounds: [
          '0.001',
          '0.0025',
          '0.005',
          '0.01',
          '0.025',
          '0.05',
          '0.1',
          '0.25',
          '0.5',
          '1',
          '2.5',
          '5',
          '10',
          '30',
          '60',
          '+Inf',
        ],
      });
      expect(sample(`${histogram}_count`, labels)).toBe(1);
      expect(sample(`${histogram}_bucket`, { ...labels, le: '+Inf' })).toBe(1);
    }
    // Processed well under a second: the message lands in a sub-second bucket, not in the first of the SDK's default 0, 5, 10 …
    expect(sample('messaging_process_duration_bucket', { ...prizes, le: '1' })).toBe(1);
    expect(sample('messaging_process_duration_bucket', { ...prizes, le: '0.001' })).toBe(0);
  });

  it('logs a metrics port it cannot listen on, naming the port and its setting, and is not ready', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as { port: number };
    try {
      worker = await spawnScrapedWorker(queues, port);
      const output = worker.output;
      const line = await waitFor(
        () =>
          output()
            .split('\n')
            .find((l) => l.includes('Metrics endpoint cannot listen')),
        { what: 'the bind failure logged' },
      );
      expect(JSON.parse(line)).toMatchObject({
        level: 50,
        setting: 'OTEL_EXPORTER_PROMETHEUS_PORT',
        port,
        host: '127.0.0.1',
        error: 'EADDRINUSE',
      });
      expect(line).toContain(`127.0.0.1:${port} (OTEL_EXPORTER_PROMETHEUS_PORT=${port})`);

      const ready = await fetch(`http://127.0.0.1:${worker.port}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        error: { metrics: { status: 'down' } },
        info: { postgres: { status: 'up' }, sqs: { status: 'up' } },
      });
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('is ready with its metrics endpoint listening', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const port = await freePort();
    worker = await spawnScrapedWorker(queues, port);
    const output = worker.output;
    await waitFor(() => output().includes(`Metrics served at http://127.0.0.1:${port}/metrics`), {
      what: 'where the metrics are served, logged',
    });
    const ready = await fetch(`http://127.0.0.1:${worker.port}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      info: { metrics: { status: 'up' }, postgres: { status: 'up' }, sqs: { status: 'up' } },
    });
  });
});
