import type { LeaseResponse, ReceiptResults } from '@discord-backbone/contracts';
import { snowflake } from '../support/database';
import { useTestInfra } from '../support/infra';
import { KEY_ALPHA, KEY_BETA, relayHttp, relayRig, RelayRig, seedDeliveries } from '../support/relay';
import { waitFor } from '../support/sqs';

/** What the gateway did not deliver is fetched through REST; what was leased survives an API restart. */
describe('message relay: gap backfill and restarts', () => {
  const { prisma } = useTestInfra();
  let rig: RelayRig;

  beforeEach(async () => {
    rig = await relayRig();
  });
  afterEach(() => rig.close());

  const contentsFor = async (url: string, key: string, count: number) => {
    const contents: string[] = [];
    await waitFor(
      async () => {
        const { body } = await relayHttp<LeaseResponse>(url, 'POST', '/v1/messages/lease', {
          key,
          body: { limit: 100, wait_seconds: 1 },
        });
        contents.push(...body.messages.map((m) => m.discord_message.content));
        if (body.messages.length > 0)
          await relayHttp(url, 'POST', '/v1/messages/ack', {
            key,
            body: { receipts: body.messages.map((m) => m.receipt) },
          });
        return contents.length >= count;
      },
      { what: `${count} deliveries` },
    );
    return contents.sort();
  };

  /** Cuts bot A off (kept from reconnecting), posts what `post` posts, lets it back in. */
  const whileDisconnected = async (cut: () => void, post: () => void) => {
    const release = rig.gateway.hold(rig.botA.userId);
    cut();
    await waitFor(() => !rig.gateway.connectedBots().includes(rig.botA.userId), { what: 'bot A disconnected' });
    post();
    release();
  };

  it('backfills the messages posted while the bot was disconnected, after it resumed', async () => {
    const { url } = await rig.startApi();
    await rig.workerReady(await rig.startWorker());
    const user = snowflake();
    rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'before' });
    rig.discord.postMessage({ dmTo: rig.botA.userId, authorId: user, content: 'dm before' });
    expect(await contentsFor(url, KEY_ALPHA, 2)).toEqual(['before', 'dm before']);

    await whileDisconnected(
      () => rig.gateway.disconnect(rig.botA.userId),
      () => {
        rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'missed in channel' });
        rig.discord.postMessage({ dmTo: rig.botA.userId, authorId: user, content: 'missed in DM' });
        rig.discord.postMessage({ dmTo: rig.botA.userId, authorId: rig.betaUser, content: 'missed, for beta' });
      },
    );
    expect(await contentsFor(url, KEY_ALPHA, 2)).toEqual(['missed in DM', 'missed in channel']);
    // The DM channel of betaUser had no watermark yet (a first message is only known through the gateway).
    expect(rig.gateway.events.map((e) => e.op)).toEqual(['identify', 'identify', 'resume']);
    expect(await prisma.relayMessage.count({ where: { source: 'backfill' } })).toBe(2);

    // Live messages keep flowing after the resume, and nothing was delivered twice.
    rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'after' });
    expect(await contentsFor(url, KEY_ALPHA, 1)).toEqual(['after']);
    expect(await prisma.relayDelivery.count({ where: { backendBotId: 'alpha' } })).toBe(5);
  });

  it('backfills after a fresh session (invalid session: nothing replayed), up to RELAY_BACKFILL_MAX_MESSAGES per channel', async () => {
    const { url } = await rig.startApi();
    await rig.workerReady(await rig.startWorker({ RELAY_BACKFILL_MAX_MESSAGES: '3' }));
    const user = snowflake();
    rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'm0' });
    rig.discord.postMessage({ dmTo: rig.botA.userId, authorId: rig.betaUser, content: 'beta 0' });
    expect(await contentsFor(url, KEY_ALPHA, 1)).toEqual(['m0']);
    expect(await contentsFor(url, KEY_BETA, 1)).toEqual(['beta 0']);

    await whileDisconnected(
      () => rig.gateway.invalidateSession(rig.botA.userId),
      () => {
        for (let i = 1; i <= 5; i++)
          rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: `m${i}` });
        rig.discord.postMessage({ dmTo: rig.botA.userId, authorId: rig.betaUser, content: 'beta 1' });
      },
    );
    expect(await contentsFor(url, KEY_BETA, 1)).toEqual(['beta 1']);
    expect(await contentsFor(url, KEY_ALPHA, 3)).toEqual(['m1', 'm2', 'm3']);
    expect(rig.gateway.events.filter((e) => e.bot === rig.botA.userId).map((e) => e.op)).toEqual([
      'identify',
      'identify',
    ]);
    // The cap left m4 and m5 behind (logged); a later message moves the channel on.
    rig.discord.postMessage({ channelId: rig.channelA, authorId: user, content: 'm6' });
    expect(await contentsFor(url, KEY_ALPHA, 1)).toEqual(['m6']);
  });

  it('loses nothing when the API restarts with leases outstanding', async () => {
    let api = await rig.startApi();
    await seedDeliveries(prisma, 10);
    const { body } = await relayHttp<LeaseResponse>(api.url, 'POST', '/v1/messages/lease', {
      body: { limit: 6, visibility_seconds: 2 },
    });
    expect(body.messages).toHaveLength(6);
    await relayHttp(api.url, 'POST', '/v1/messages/ack', {
      body: { receipts: body.messages.slice(0, 2).map((m) => m.receipt) },
    });
    await api.app.close();

    api = await rig.startApi();
    // A receipt from before the restart still acknowledges its lease.
    const late = await relayHttp<ReceiptResults>(api.url, 'POST', '/v1/messages/ack', {
      body: { receipts: [body.messages[2].receipt] },
    });
    expect(late.body.results[0].result).toBe('ok');
    const rest: LeaseResponse['messages'] = [];
    await waitFor(
      async () => {
        const next = await relayHttp<LeaseResponse>(api.url, 'POST', '/v1/messages/lease', {
          body: { limit: 100, wait_seconds: 3 },
        });
        rest.push(...next.body.messages);
        if (next.body.messages.length > 0)
          await relayHttp(api.url, 'POST', '/v1/messages/ack', {
            body: { receipts: next.body.messages.map((m) => m.receipt) },
          });
        return rest.length >= 7;
      },
      { what: 'the rest, expired leases included' },
    );
    expect(rest.filter((m) => m.delivery_count === 2)).toHaveLength(3); // the three leased and never acked
    expect(await prisma.relayDelivery.count({ where: { state: 'acked' } })).toBe(10);
  });
});
