import { INestApplication } from '@nestjs/common';
import { RelayGatewayHealthIndicator } from '@discord-backbone/relay';
import { gatewayLeaseName } from '../../libs/relay/src/worker/gateway-leadership';
import type { IncomingMessage } from '../../libs/relay/src/worker/incoming-message';
import { FencedWriteError, MessageIngestor } from '../../libs/relay/src/worker/message.ingestor';
import { RELAY_INGEST_OPTIONS, RelayIngestOptions } from '../../libs/relay/src/worker/relay-ingest.options';
import { snowflake } from '../support/database';
import { useTestInfra } from '../support/infra';
import { relayRig, RelayRig } from '../support/relay';
import { gatewayHolder } from '../support/relay-replicas';
import { waitFor } from '../support/sqs';

/** One replica's side of the gateway lease: the fence on its writes, stepping down, Discord's identify and session-start limits. */
describe('message relay: the gateway lease of a replica', () => {
  const { prisma } = useTestInfra();
  let rig: RelayRig;

  beforeEach(async () => {
    rig = await relayRig();
  });
  afterEach(() => rig.close());

  const health = (worker: INestApplication) =>
    worker.get(RelayGatewayHealthIndicator, { strict: false }).isHealthy().relay_gateway;
  const stored = async (content: string) =>
    (await prisma.relayMessage.findMany({ where: { content }, select: { source: true } })).map((m) => m.source);

  it("refuses a stale term's writes in the same statement: nothing is stored once another replica has raised the fence", async () => {
    const worker = await rig.startWorker();
    await rig.workerReady(worker);
    const holder = (await gatewayHolder(prisma, 'discord_a'))!;
    const { settings } = worker.get<RelayIngestOptions>(RELAY_INGEST_OPTIONS, { strict: false });
    const bot = settings.discordBots.find((b) => b.id === 'discord_a')!;
    const lease = (await prisma.deploymentLease.findUnique({ where: { name: gatewayLeaseName('discord_a') } }))!;
    const term = { name: lease.name, holder: lease.holder, fence: holder.fence };
    const ingestor = worker.get(MessageIngestor, { strict: false });
    const message = (content: string): IncomingMessage => ({
      id: snowflake(),
      channelId: rig.channelA,
      guildId: rig.guildId,
      isDm: false,
      authorId: snowflake(),
      authorName: 'someone',
      authorIsBot: false,
      content,
      timestamp: new Date(),
    });

    expect(await ingestor.ingest(settings, bot, term, bot.id, message('current term'), 'gateway')).toBe('delivered');
    await prisma.deploymentLease.update({
      where: { name: lease.name },
      data: {
        holder: 'another-replica',
        holderPid: null,
        fence: { increment: 1 },
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    await expect(ingestor.ingest(settings, bot, term, bot.id, message('stale term'), 'gateway')).rejects.toBeInstanceOf(
      FencedWriteError,
    );
    expect(await stored('current term')).toEqual(['gateway']);
    expect(await stored('stale term')).toEqual([]);
  });

  it('steps down at once when its lease moves on, stays ready as a standby, and backfills the gap when it holds the lease again', async () => {
    const worker = await rig.startWorker();
    await rig.workerReady(worker);
    const before = (await gatewayHolder(prisma, 'discord_a'))!;
    // Another replica takes the lease over (for 4 s): the fence moves past this one's term.
    await prisma.deploymentLease.update({
      where: { name: gatewayLeaseName('discord_a') },
      data: {
        holder: 'another-replica',
        holderPid: null,
        fence: { increment: 1 },
        expiresAt: new Date(Date.now() + 4000),
      },
    });
    const user = snowflake();
    rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'during the other term' });
    // Its write refused (or its renewal finding the other holder), the replica closes its session; it stays ready.
    await waitFor(() => rig.gateway.openSessions(rig.botA.userId) === 0, {
      what: 'the stale session closed',
      timeoutMs: 10_000,
    });
    expect(health(worker).status).toBe('up');
    expect(await stored('during the other term')).toEqual([]);

    // The other term expires unrenewed (4 s): this replica takes the lease again (it bids every 2 s),
    // identifies when its spacing allows (5.5 s per bucket) and its READY backfills the message:
    // within the 30 s take-over.
    await waitFor(async () => (await stored('during the other term')).length > 0, {
      what: 'the message backfilled',
      timeoutMs: 30_000,
    });
    expect(await stored('during the other term')).toEqual(['backfill']);
    expect((await gatewayHolder(prisma, 'discord_a'))!.fence).toBe(before.fence + 2n);
    expect(rig.gateway.maxConcurrentSessions.get(rig.botA.userId)).toBe(1);
  });

  it('spaces Identifies 5 s apart per bot through Postgres: a fresh session after an invalid one waits its turn', async () => {
    const worker = await rig.startWorker();
    await rig.workerReady(worker);
    rig.gateway.invalidateSession(rig.botA.userId);
    const identifies = await waitFor(
      () => {
        const ats = rig.gateway.events.filter((e) => e.bot === rig.botA.userId && e.op === 'identify').map((e) => e.at);
        return ats.length === 2 && ats;
      },
      { what: 'a second Identify', timeoutMs: 15_000 },
    );
    expect(identifies[1] - identifies[0]).toBeGreaterThanOrEqual(5000);
  });

  it("does not identify while the bot's daily session starts are used up; says so in its health, and starts once they reset", async () => {
    Object.assign(rig.gateway.sessionStartLimit, { remaining: 0, reset_after: 1000 });
    const worker = await rig.startWorker();
    await waitFor(
      () =>
        health(worker).status === 'down' && /daily session start limit used up/.test(String(health(worker).message)),
      { what: 'health naming the limit' },
    );
    await new Promise((r) => setTimeout(r, 2500)); // past a re-read of the limit
    expect(rig.gateway.events).toEqual([]);
    rig.gateway.sessionStartLimit.remaining = 10;
    await rig.workerReady(worker);
    expect(rig.gateway.events.map((e) => e.op)).toEqual(['identify', 'identify']); // bot A and bot B
  });
});
