import type { LeaseResponse, PendingResponse, ReceiptResults, SendResponse } from '@discord-backbone/contracts';
import { snowflake } from '../support/database';
import { useTestInfra } from '../support/infra';
import { KEY_ALPHA, KEY_BETA, relayHttp, relayRig, RelayRig } from '../support/relay';
import { waitFor } from '../support/sqs';
import { captureSpans, spansNamed } from '../support/tracing';

const spans = captureSpans();

describe('message relay: Discord gateway → worker → Postgres → /v1 → backend bots', () => {
  const { prisma } = useTestInfra();
  let rig: RelayRig;

  beforeEach(async () => {
    rig = await relayRig();
  });
  afterEach(() => rig.close());

  /** Leases until `count` deliveries have been handed out (long polling), then checks nothing more comes. */
  const leaseAll = async (url: string, key: string, count: number) => {
    const leased: LeaseResponse['messages'] = [];
    await waitFor(
      async () => {
        const { body } = await relayHttp<LeaseResponse>(url, 'POST', '/v1/messages/lease', {
          key,
          body: { limit: 100, wait_seconds: 1 },
        });
        leased.push(...body.messages);
        return leased.length >= count;
      },
      { what: `${count} deliveries` },
    );
    return leased;
  };

  it('relays a DM to its backend, which leases, acks and replies in the DM', async () => {
    const { url } = await rig.startApi();
    await rig.workerReady(await rig.startWorker());
    const user = snowflake();
    const dm = rig.discord.postMessage({ dmTo: rig.botA.userId, authorId: user, content: 'hello relay' });

    const [leased] = await leaseAll(url, KEY_ALPHA, 1);
    expect(leased).toEqual({
      delivery_id: expect.any(String),
      discord_bot_id: 'discord_a',
      discord_message: {
        discord_message_id: dm.id,
        timestamp: dm.timestamp,
        content: 'hello relay',
        source: {
          is_dm: true,
          guild_id: null,
          channel_id: dm.channel_id,
          author_id: user,
          author_name: `user${user.slice(-6)}`,
        },
      },
      receipt: expect.stringMatching(new RegExp(`^${leased.delivery_id}\\.1\\.[0-9a-f]{32}$`)),
      delivery_count: 1,
      lease_expires_at: expect.any(String),
      trace_context: { traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/), tracestate: null },
    });

    // The backend continues the ingest's trace.
    const [ingest] = spansNamed(spans, 'relay.ingest').filter((s) => s.attributes['messaging.message.id'] === dm.id);
    expect(leased.trace_context!.traceparent).toBe(
      `00-${ingest.spanContext().traceId}-${ingest.spanContext().spanId}-01`,
    );
    expect(ingest.attributes).toMatchObject({
      'relay.discord_bot_id': 'discord_a',
      'relay.backend_bot_id': 'alpha',
      'relay.outcome': 'delivered',
      'relay.source': 'gateway',
    });

    const ack = await relayHttp<ReceiptResults>(url, 'POST', '/v1/messages/ack', {
      body: { receipts: [leased.receipt] },
    });
    expect(ack).toMatchObject({ status: 200, body: { results: [{ receipt: leased.receipt, result: 'ok' }] } });
    expect(await prisma.relayDelivery.findUniqueOrThrow({ where: { id: leased.delivery_id } })).toMatchObject({
      state: 'acked',
    });

    const reply = await relayHttp<SendResponse>(url, 'POST', '/v1/messages/send', {
      body: {
        discord_bot_id: 'discord_a',
        destination: { type: 'dm', user_id: user },
        content: 'hi back',
        reply_to_discord_message_id: dm.id,
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ discord_message_id: expect.any(String), channel_id: dm.channel_id });
    const sent = rig.discord.dms(user, rig.botA.userId).at(-1)!;
    expect(sent).toMatchObject({
      id: reply.body.discord_message_id,
      content: 'hi back',
      message_reference: { message_id: dm.id },
      author: { id: rig.botA.userId },
    });
    expect(await prisma.relayOutboundMessage.findFirst()).toMatchObject({
      backendBotId: 'alpha',
      discordBotId: 'discord_a',
      destinationType: 'dm',
      status: 'sent',
      discordMessageId: sent.id,
    });
    // The bot's own reply came back through the gateway and was not relayed.
    await new Promise((r) => setTimeout(r, 300));
    expect(await prisma.relayMessage.count()).toBe(1);
  });

  it('keeps each backend to its own messages: routes, two Discord bots, and wrong keys', async () => {
    const { url } = await rig.startApi();
    await rig.workerReady(await rig.startWorker());
    const author = snowflake();
    rig.discord.postMessage({ channelId: rig.channelA, authorId: author, content: 'for alpha (channel A)' });
    rig.discord.postMessage({ channelId: rig.channelB, authorId: author, content: 'for beta (channel B, discord_b)' });
    rig.discord.postMessage({ dmTo: rig.botA.userId, authorId: rig.betaUser, content: 'for beta (dm_user route)' });
    rig.discord.postMessage({ dmTo: rig.botA.userId, authorId: author, content: 'for alpha (default)' });
    rig.discord.postMessage({
      dmTo: rig.botB.userId,
      authorId: author,
      content: 'dropped: discord_b has no DM route or default',
    });
    rig.discord.postMessage({ channelId: rig.quietChannel, authorId: author, content: 'ignored: not allowlisted' });
    rig.discord.postMessage({
      channelId: rig.channelA,
      authorId: snowflake(),
      authorIsBot: true,
      content: 'ignored: another bot',
    });

    const alpha = await leaseAll(url, KEY_ALPHA, 2);
    const beta = await leaseAll(url, KEY_BETA, 2);
    expect(alpha.map((m) => m.discord_message.content).sort()).toEqual([
      'for alpha (channel A)',
      'for alpha (default)',
    ]);
    expect(beta.map((m) => `${m.discord_bot_id}: ${m.discord_message.content}`).sort()).toEqual([
      'discord_a: for beta (dm_user route)',
      'discord_b: for beta (channel B, discord_b)',
    ]);
    expect(await prisma.relayMessage.count()).toBe(4);

    // Receipts of another backend are unknown, never applied.
    const cross = await relayHttp<ReceiptResults>(url, 'POST', '/v1/messages/ack', {
      key: KEY_BETA,
      body: { receipts: [alpha[0].receipt] },
    });
    expect(cross.body.results).toEqual([{ receipt: alpha[0].receipt, result: 'unknown' }]);
    // Nor can a backend send through a Discord bot that routes nothing to it.
    const borrowed = await relayHttp(url, 'POST', '/v1/messages/send', {
      key: KEY_ALPHA,
      body: { discord_bot_id: 'discord_b', destination: { type: 'channel', channel_id: rig.channelB }, content: 'x' },
    });
    expect(borrowed).toMatchObject({ status: 404, body: { error: 'not_found' } });

    for (const key of [null, 'a-wrong-key-of-plenty-of-characters-0123456789', 'short']) {
      const refused = await relayHttp(url, 'GET', '/v1/messages/pending', {
        key,
        headers: { 'x-request-id': 'req-42' },
      });
      expect(refused).toMatchObject({ status: 401, body: { error: 'unauthorized', request_id: 'req-42' } });
      expect(refused.headers.get('x-request-id')).toBe('req-42');
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="relay"');
    }
    const health = await relayHttp(url, 'GET', '/v1/health', { key: KEY_BETA });
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', backend_bot_id: 'beta' } });
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GET /v1/messages/pending returns each message once, in the plan’s exact schema (consume-on-read)', async () => {
    const { url } = await rig.startApi();
    await rig.workerReady(await rig.startWorker());
    const author = snowflake();
    const posted = [1, 2, 3].map((i) =>
      rig.discord.postMessage({ channelId: rig.channelA, authorId: author, content: `m${i}` }),
    );
    await waitFor(async () => (await prisma.relayDelivery.count()) === 3, { what: 'three ingested' });

    const first = await relayHttp<PendingResponse>(url, 'GET', '/v1/messages/pending?limit=2');
    expect(first.status).toBe(200);
    expect(Object.keys(first.body)).toEqual(['messages']);
    expect(first.body.messages).toEqual(
      posted.slice(0, 2).map((m) => ({
        delivery_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        discord_bot_id: 'discord_a',
        discord_message: {
          discord_message_id: m.id,
          timestamp: m.timestamp,
          content: m.content,
          source: {
            is_dm: false,
            guild_id: rig.guildId,
            channel_id: rig.channelA,
            author_id: author,
            author_name: `user${author.slice(-6)}`,
          },
        },
      })),
    );
    const second = await relayHttp<PendingResponse>(url, 'GET', '/v1/messages/pending');
    expect(second.body.messages.map((m) => m.discord_message.content)).toEqual(['m3']);
    expect((await relayHttp<PendingResponse>(url, 'GET', '/v1/messages/pending')).body.messages).toEqual([]);
    expect((await relayHttp<LeaseResponse>(url, 'POST', '/v1/messages/lease', { body: {} })).body.messages).toEqual([]);
    expect(await prisma.relayDelivery.count({ where: { state: 'acked' } })).toBe(3);
  });

  it('ingests each message once with two worker replicas, and reports the gateway in readiness', async () => {
    const { url } = await rig.startApi();
    const workers = [await rig.startWorker(), await rig.startWorker()];
    for (const worker of workers) await rig.workerReady(worker);
    const author = snowflake();
    for (let i = 0; i < 20; i++)
      rig.discord.postMessage({ channelId: rig.channelA, authorId: author, content: `m${i}` });
    const leased = await leaseAll(url, KEY_ALPHA, 20);
    await new Promise((r) => setTimeout(r, 300));
    expect(await prisma.relayMessage.count()).toBe(20);
    expect(await prisma.relayDelivery.count()).toBe(20);
    expect(new Set(leased.map((m) => m.discord_message.discord_message_id)).size).toBe(20);

    const { RelayGatewayHealthIndicator } = await import('@discord-backbone/relay');
    const health = workers[0].get(RelayGatewayHealthIndicator, { strict: false });
    expect(health.isHealthy()).toEqual({ relay_gateway: { status: 'up' } });
    // Both bots cut off and kept from reconnecting (Discord unreachable, as far as they can tell).
    const releases = [rig.botA, rig.botB].map((bot) => {
      const release = rig.gateway.hold(bot.userId);
      rig.gateway.disconnect(bot.userId);
      return release;
    });
    await waitFor(() => health.isHealthy().relay_gateway.status === 'down', { what: 'readiness down' });
    expect(health.isHealthy()).toEqual({
      relay_gateway: {
        status: 'down',
        message: expect.stringMatching(/not connected: discord_a: reconnecting, discord_b: reconnecting/),
      },
    });
    // Back once the sessions resume.
    for (const release of releases) release();
    await waitFor(() => health.isHealthy().relay_gateway.status === 'up', { what: 'readiness up again' });
  });
});
