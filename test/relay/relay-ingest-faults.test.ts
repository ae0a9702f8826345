import { snowflake } from '../support/database';
import { useTestInfra } from '../support/infra';
import { relayRig, RelayRig } from '../support/relay';
import { waitFor } from '../support/sqs';
import { databaseTarget, databaseUrlThrough, startTcpProxy, TcpProxy } from '../support/tcp-proxy';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Gateway ingest when Postgres is down, or refuses a message: bounded memory, nothing stalls, nothing is lost silently. */
describe('message relay: ingest under Postgres faults', () => {
  const { prisma } = useTestInfra();
  let rig: RelayRig;
  let proxy: TcpProxy | undefined;

  beforeEach(async () => {
    rig = await relayRig();
  });
  afterEach(async () => {
    proxy?.restore();
    await rig.close();
    await proxy?.close();
    proxy = undefined;
  });

  const stored = async (channelId: string) =>
    (
      await prisma.relayMessage.findMany({
        where: { channelId },
        orderBy: { discordMessageId: 'asc' },
        select: { content: true, source: true },
      })
    ).map((m) => `${m.content} (${m.source})`);

  it('holds at most RELAY_INGEST_MAX_PENDING messages while Postgres is down, drops the rest, and the gap backfill recovers them once it is back', async () => {
    proxy = await startTcpProxy(databaseTarget());
    await rig.workerReady(
      await rig.startWorker({ DATABASE_URL: databaseUrlThrough(proxy), RELAY_INGEST_MAX_PENDING: '2' }),
    );
    const user = snowflake();
    rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'before' });
    await waitFor(async () => (await stored(rig.channelA)).length === 1, { what: 'the first message stored' });

    proxy.cut();
    for (let i = 1; i <= 5; i++) rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: `m${i}` });
    // A user's first DM: its channel has no watermark yet, so only the drop tells the backfill where to look.
    const dm = rig.discord.postMessage({ dmTo: rig.botA.userId, authorId: user, content: 'first DM' });
    await sleep(1500); // received (two held, four dropped) and retried against the dead proxy
    proxy.restore();

    await waitFor(async () => (await stored(rig.channelA)).length === 6 && (await stored(dm.channel_id)).length === 1, {
      what: 'every message stored',
      timeoutMs: 30_000,
    });
    // Postgres going away ends the gateway lease's database session: the replica steps down at once
    // (m1 and m2, waiting in memory, are given up), takes the lease again once Postgres is back and
    // its new session's backfill fetches the channel from its watermark, and the first DM — whose
    // channel has no watermark — from where the drop recorded it.
    const channel = await stored(rig.channelA);
    expect(channel).toEqual([
      'before (gateway)',
      'm1 (backfill)',
      'm2 (backfill)',
      'm3 (backfill)',
      'm4 (backfill)',
      'm5 (backfill)',
    ]);
    expect(await stored(dm.channel_id)).toEqual(['first DM (backfill)']);
    expect(await prisma.relayDelivery.count({ where: { backendBotId: 'alpha' } })).toBe(7);
    expect(rig.gateway.events.filter((e) => e.bot === rig.botA.userId).map((e) => e.op)).toEqual([
      'identify',
      'identify',
    ]);
    expect(rig.gateway.maxConcurrentSessions.get(rig.botA.userId)).toBe(1);

    // Live messages flow on, once each.
    rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'after' });
    await waitFor(async () => (await stored(rig.channelA)).includes('after (gateway)'), {
      what: 'a live message after the outage',
    });
    expect(await prisma.relayDelivery.count({ where: { backendBotId: 'alpha' } })).toBe(8);
  });

  it('recovers every dropped message of a channel even where the gap backfill stops at RELAY_BACKFILL_MAX_MESSAGES: the next one goes on from there', async () => {
    proxy = await startTcpProxy(databaseTarget());
    await rig.workerReady(
      await rig.startWorker({
        DATABASE_URL: databaseUrlThrough(proxy),
        RELAY_INGEST_MAX_PENDING: '1',
        RELAY_BACKFILL_MAX_MESSAGES: '2',
      }),
    );
    const user = snowflake();
    rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'before' });
    await waitFor(async () => (await stored(rig.channelA)).length === 1, { what: 'the first message stored' });

    proxy.cut();
    for (let i = 1; i <= 6; i++) rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: `m${i}` });
    await sleep(1000); // m1 held, m2–m6 dropped
    proxy.restore();

    // Two per backfill: m2–m3, then m4–m5, then m6 (a capped channel keeps its floor at the last message fetched).
    await waitFor(async () => (await stored(rig.channelA)).length === 7, {
      what: 'every message stored',
      timeoutMs: 30_000,
    });
    expect((await stored(rig.channelA)).map((m) => m.split(' ')[0])).toEqual([
      'before',
      'm1',
      'm2',
      'm3',
      'm4',
      'm5',
      'm6',
    ]);
  });

  it('parks a message Postgres refuses for its content (a NUL byte) and goes on with the channel, live and in a backfill', async () => {
    await rig.workerReady(await rig.startWorker());
    const user = snowflake();
    const refused = rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'nul \u0000 here' });
    rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'next' });
    await waitFor(async () => (await stored(rig.channelA)).includes('next (gateway)'), {
      what: 'the next message of the channel',
      timeoutMs: 10_000,
    });
    expect(await stored(rig.channelA)).toEqual(['next (gateway)']);
    expect(await prisma.relayParkedMessage.findMany()).toEqual([
      expect.objectContaining({
        discordBotId: 'discord_a',
        discordMessageId: refused.id,
        channelId: rig.channelA,
        authorId: user,
        source: 'gateway',
        errorCode: '22021',
        error: expect.stringContaining('0x00') as string,
      }),
    ]);

    // The same in a gap backfill: it parks the message and fetches on past it.
    const release = rig.gateway.hold(rig.botA.userId);
    rig.gateway.disconnect(rig.botA.userId);
    await waitFor(() => !rig.gateway.connectedBots().includes(rig.botA.userId), { what: 'bot A disconnected' });
    const missed = rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'missed \u0000' });
    rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'missed, fine' });
    release();
    await waitFor(async () => (await stored(rig.channelA)).includes('missed, fine (backfill)'), {
      what: 'the backfill past the refused message',
    });
    expect(
      (await prisma.relayParkedMessage.findMany({ orderBy: { parkedAt: 'asc' } })).map((p) => [
        p.discordMessageId,
        p.source,
      ]),
    ).toEqual([
      [refused.id, 'gateway'],
      [missed.id, 'backfill'],
    ]);
    expect(await prisma.relayDelivery.count()).toBe(2);
  });
});
