import { PermissionFlagsBits } from 'discord.js';
import { QueueName } from '@discord-backbone/contracts';
import {
  CAMPAIGN_BOT_PERMISSIONS,
  FakeDiscord,
  FakeMessage,
  startFakeDiscord,
} from '@discord-backbone/discord-standin';
import { PrismaClient } from '@discord-backbone/prisma';
import { TEST_AUTH_ENV } from '../support/http';
import { useTestInfra } from '../support/infra';
import { startCollector } from '../support/otlp-collector';
import { startRecordingProxy } from '../support/recording-proxy';
import { createSystemQueue, waitFor } from '../support/sqs';
import { spawnApp, WorkerProcess } from '../support/worker-process';

/** Every text column of the campaign tables and the outbox, as one string. */
async function storedText(prisma: PrismaClient): Promise<string> {
  const rows = await Promise.all([
    prisma.campaign.findMany(),
    prisma.campaignStep.findMany(),
    prisma.outboxMessage.findMany(),
    prisma.messageAttempt.findMany(),
  ]);
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

/**
 * The interaction token is a 15-minute credential to the progress message. Driven through the
 * built API and worker processes, over every path that touches it — edits, a 5xx and a 429 on the
 * token's route, Discord refusing the expired token, a step dead-lettered, a button press with a
 * new token — it appears in no log line, exported span, SQS request (task bodies, DLQ attributes)
 * or stored error; only in its own table.
 */
describe('the interaction token stays in Postgres', () => {
  const { sqs, prisma } = useTestInfra();
  const processes: WorkerProcess[] = [];
  let discord: FakeDiscord;

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await discord?.close();
  });

  it('never reaches a log, a span, an SQS message or attribute, or an error', async () => {
    const queue = await createSystemQueue(sqs, QueueName.CAMPAIGN);
    const collector = await startCollector();
    const sqsProxy = await startRecordingProxy(process.env.TEST_SQS_ENDPOINT!);
    discord = await startFakeDiscord();
    const guild = discord.addGuild({
      botPermissions: CAMPAIGN_BOT_PERMISSIONS,
      roles: [{ permissions: PermissionFlagsBits.ManageChannels }],
    });
    const channelId = discord.addChannel(guild.id);
    const gmId = discord.addMember(guild.id, undefined, [guild.roleIds[0]]);
    const common = {
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: sqsProxy.endpoint,
      CAMPAIGN_QUEUE_URL: queue.queueUrl,
      LOG_LEVEL: 'debug',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    const api = await spawnApp('api', {
      ...TEST_AUTH_ENV,
      ...common,
      OTEL_SERVICE_NAME: 'api',
      DISCORD_PUBLIC_KEY: discord.publicKey,
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_API_BASE_URL: discord.apiUrl,
      OUTBOX_POLL_INTERVAL_MS: '50',
    });
    processes.push(api);
    const worker = await spawnApp('worker', {
      ...common,
      OTEL_SERVICE_NAME: 'worker',
      WORKER_CONSUMERS: 'campaign',
      CAMPAIGN_QUEUE_DLQ_URL: queue.dlqUrl,
      CAMPAIGN_WAIT_TIME_SECONDS: '1',
      CAMPAIGN_RETRY_BASE_SECONDS: '1',
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_API_BASE_URL: discord.apiUrl,
    });
    processes.push(worker);
    discord.interactionsUrl = `http://127.0.0.1:${api.port}/interactions`;

    // Every path the token takes: a 5xx and a 429 on its route, then Discord refusing it once expired…
    discord.latencyMs = 100;
    discord.interactionTokenLifetimeMs = 2500;
    discord.failNext({ method: 'PATCH', path: /^\/webhooks\//, status: 502 });
    discord.failNext({ method: 'PATCH', path: /^\/webhooks\//, status: 429, retryAfterSeconds: 1 });
    // …a step refused for good (DLQ, failed campaign)…
    discord.failNext({
      method: 'POST',
      path: /^\/guilds\/\d+\/channels$/,
      body: /"name":"gm-notes"/,
      status: 403,
      code: 50013,
    });
    const command = discord.commandInteraction({
      guildId: guild.id,
      channelId,
      userId: gmId,
      name: 'add-campaign',
      options: { name: 'Leaky' },
    });
    expect((await discord.sendInteraction(command)).status).toBe(200);
    const campaign = await waitFor(
      async () => (await prisma.campaign.findFirst({ where: { status: 'failed' } })) ?? undefined,
      { what: 'campaign failed', timeoutMs: 30000 },
    );
    // Wherever the progress message is by now (the deferred answer, or the status message).
    const failed = await waitFor(
      () =>
        discord
          .guildChannels(guild.id)
          .flatMap((c) => discord.messages(c.id))
          .find((m) => m.content.startsWith('❌')),
      { what: 'failure shown' },
    );

    // …and a button press bringing a new token, used until the campaign completes.
    const press = discord.buttonInteraction({
      channelId: failed.channel_id,
      messageId: failed.id,
      customId: retryId(failed),
      userId: gmId,
    });
    expect((await discord.sendInteraction(press)).status).toBe(200);
    await waitFor(
      async () =>
        (await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).finalRenderedAt &&
        (await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status === 'completed',
      {
        what: 'campaign completed after Retry',
        timeoutMs: 30000,
      },
    );
    for (const p of processes) p.child.kill('SIGTERM'); // flushes the last spans
    await Promise.all(processes.map((p) => p.exited));

    const tokens = [command.token, press.token];
    const places = {
      'API log': api.output(),
      'worker log': worker.output(),
      spans: collector.bodies.join('\n'),
      'SQS requests (task bodies, DLQ attributes)': sqsProxy.bodies.join('\n'),
      'stored errors, outbox, attempts': await storedText(prisma),
    };
    // The places are the right ones: each holds what the token would sit beside.
    expect(places['worker log']).toContain('Progress message moves on');
    expect(places.spans).toContain('/webhooks/:id/:token/messages/@original');
    expect(places['SQS requests (task bodies, DLQ attributes)']).toMatch(
      /create_channel[\s\S]*error\.class[\s\S]*50013/,
    );
    expect(places['stored errors, outbox, attempts']).toContain('create_channel');
    expect(discord.requests.filter((r) => r.path.startsWith('/webhooks/')).length).toBeGreaterThan(3);
    for (const [place, text] of Object.entries(places)) {
      for (const token of tokens) expect({ place, leaked: text.includes(token) }).toEqual({ place, leaked: false });
    }
    await sqsProxy.close();
    await new Promise((resolve) => collector.server.close(resolve));
  }, 90000);
});

function retryId(message: FakeMessage): string {
  const rows = (message.components ?? []) as { components: { label: string; custom_id: string }[] }[];
  return rows.flatMap((r) => r.components).find((b) => b.label === 'Retry')!.custom_id;
}
