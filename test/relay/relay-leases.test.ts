import type {
  DeadResponse,
  LeaseResponse,
  PendingResponse,
  ReceiptResults,
  SendResponse,
} from '@discord-backbone/contracts';
import { RelayMaintenance } from '@discord-backbone/relay';
import { snowflake } from '../support/database';
import { useTestInfra } from '../support/infra';
import { deliveredDm, KEY_ALPHA, KEY_BETA, relayHttp, relayRig, RelayRig, seedDeliveries } from '../support/relay';

/** Leasing semantics through the real API app on Postgres; deliveries are written as the worker writes them. */
describe('message relay: leases, receipts, dead deliveries, send', () => {
  const { prisma } = useTestInfra();
  let rig: RelayRig;
  let url: string;

  beforeEach(async () => {
    rig = await relayRig();
    ({ url } = await rig.startApi());
  });
  afterEach(() => rig.close());

  it('prunes acknowledged deliveries, their messages and outbound records after RELAY_RETENTION_HOURS, and keeps the rest', async () => {
    await rig.close();
    rig = await relayRig();
    const { app, url: base } = await rig.startApi({ RELAY_RETENTION_HOURS: '1' });
    await seedDeliveries(prisma, 3);
    expect((await relayHttp<PendingResponse>(base, 'GET', '/v1/messages/pending?limit=2')).body.messages).toHaveLength(
      2,
    );
    await prisma.relayOutboundMessage.create({
      data: {
        backendBotId: 'alpha',
        discordBotId: 'discord_a',
        requestHash: 'h',
        destinationType: 'dm',
        destinationId: '1',
        content: 'x',
        createdAt: new Date(Date.now() - 2 * 3600_000),
      },
    });
    const old = new Date(Date.now() - 2 * 3600_000);
    await prisma.relayDelivery.updateMany({ where: { state: 'acked' }, data: { ackedAt: old } });
    await prisma.relayMessage.updateMany({ data: { ingestedAt: old } });

    expect(await app.get(RelayMaintenance).runOnce()).toEqual({
      dead: 0,
      deliveries: 2,
      messages: 2,
      outbound: 1,
      parked: 0,
    });
    expect(await prisma.relayDelivery.count()).toBe(1); // the pending one, and its message
    expect(await prisma.relayMessage.count()).toBe(1);
  });

  const lease = (body: Record<string, unknown>, key = KEY_ALPHA) =>
    relayHttp<LeaseResponse>(url, 'POST', '/v1/messages/lease', { key, body });
  const settle = (op: 'ack' | 'nack' | 'extend', body: Record<string, unknown>) =>
    relayHttp<ReceiptResults>(url, 'POST', `/v1/messages/${op}`, { body });

  it('never hands one delivery to two of 8 concurrent leasing clients', async () => {
    const ids = await seedDeliveries(prisma, 400, { conversations: 20 });
    const seen: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (;;) {
          const { body } = await lease({ limit: 7, visibility_seconds: 60 });
          if (body.messages.length === 0) return;
          seen.push(...body.messages.map((m) => m.delivery_id));
          const acked = await settle('ack', { receipts: body.messages.map((m) => m.receipt) });
          expect(acked.body.results.every((r) => r.result === 'ok')).toBe(true);
        }
      }),
    );
    expect(seen).toHaveLength(400);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(await prisma.relayDelivery.count({ where: { state: 'acked', deliveryCount: 1 } })).toBe(400);
  });

  it('answers a stale receipt with 409, the same receipt again with already_acked, others with unknown', async () => {
    await seedDeliveries(prisma, 2);
    const first = (await lease({ limit: 1, visibility_seconds: 1 })).body.messages[0];
    await new Promise((r) => setTimeout(r, 1100));
    const second = (await lease({ limit: 1 })).body.messages[0];
    expect(second).toMatchObject({ delivery_id: first.delivery_id, delivery_count: 2 });

    const stale = await settle('ack', { receipts: [first.receipt] });
    expect(stale).toMatchObject({
      status: 409,
      body: { results: [{ receipt: first.receipt, result: 'stale_receipt' }] },
    });
    expect((await settle('extend', { receipts: [first.receipt], visibility_seconds: 30 })).status).toBe(409);

    const mixed = await settle('ack', {
      receipts: [second.receipt, 'not-a-receipt', `${second.receipt.slice(0, -4)}0000`],
    });
    expect(mixed.body.results.map((r) => r.result)).toEqual(['ok', 'unknown', 'unknown']);
    expect((await settle('ack', { receipts: [second.receipt] })).body.results).toEqual([
      { receipt: second.receipt, result: 'already_acked' },
    ]);
    expect((await settle('nack', { receipts: [second.receipt] })).body.results).toEqual([
      { receipt: second.receipt, result: 'already_acked' },
    ]);
    // The stale consumer can never undo the ack of the lease that replaced it.
    expect((await settle('nack', { receipts: [first.receipt] })).status).toBe(409);
    expect(await prisma.relayDelivery.findUniqueOrThrow({ where: { id: first.delivery_id } })).toMatchObject({
      state: 'acked',
    });
  });

  it('redelivers an expired lease with a higher count, declares it dead after max_deliveries (5), and redrives it', async () => {
    const [id] = await seedDeliveries(prisma, 1);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { body } = await lease({ limit: 1, visibility_seconds: 1, wait_seconds: 3 });
      counts.push(body.messages[0].delivery_count);
    }
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await lease({ limit: 1 })).body.messages).toEqual([]);

    const dead = await relayHttp<DeadResponse>(url, 'GET', '/v1/dead');
    expect(dead.body.messages).toEqual([
      expect.objectContaining({
        delivery_id: id,
        delivery_count: 5,
        dead_at: expect.any(String),
        discord_bot_id: 'discord_a',
      }),
    ]);
    expect((await relayHttp<DeadResponse>(url, 'GET', '/v1/dead', { key: KEY_BETA })).body.messages).toEqual([]);
    expect((await relayHttp(url, 'POST', '/v1/dead/redrive', { key: KEY_BETA, body: { all: true } })).body).toEqual({
      redriven: 0,
    });

    expect((await relayHttp(url, 'POST', '/v1/dead/redrive', { body: { delivery_ids: [id] } })).body).toEqual({
      redriven: 1,
    });
    const again = (await lease({ limit: 1 })).body.messages[0];
    expect(again).toMatchObject({ delivery_id: id, delivery_count: 1 });
    expect((await settle('ack', { receipts: [again.receipt] })).body.results[0].result).toBe('ok');
  });

  it('nacks with a delay, extends a lease, and wakes a long poll when a delivery is committed', async () => {
    await seedDeliveries(prisma, 1);
    const first = (await lease({ limit: 1, visibility_seconds: 1 })).body.messages[0];
    expect((await settle('extend', { receipts: [first.receipt], visibility_seconds: 30 })).body.results[0].result).toBe(
      'ok',
    );
    await new Promise((r) => setTimeout(r, 1200));
    expect((await lease({ limit: 1 })).body.messages).toEqual([]); // still leased: extended

    expect((await settle('nack', { receipts: [first.receipt], delay_seconds: 1 })).body.results[0].result).toBe('ok');
    const started = Date.now();
    const redelivered = (await lease({ limit: 1, wait_seconds: 5 })).body.messages[0];
    expect(redelivered.delivery_count).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800); // after the nack's delay, not at the poll's deadline
    expect(Date.now() - started).toBeLessThan(3000);
    await settle('ack', { receipts: [redelivered.receipt] });

    const polling = lease({ limit: 5, wait_seconds: 10 });
    await new Promise((r) => setTimeout(r, 300));
    const inserted = Date.now();
    // As the worker's ingest does: the delivery, then its NOTIFY.
    await seedDeliveries(prisma, 1);
    await prisma.$executeRaw`SELECT pg_notify('relay_deliveries', 'alpha')`;
    const woken = await polling;
    expect(woken.body.messages).toHaveLength(1);
    expect(Date.now() - inserted).toBeLessThan(1000);
  });

  it('leases one delivery per conversation at a time, in order, for an ordered backend', async () => {
    await rig.close();
    rig = await relayRig({
      config: ({ botA }) => `
discord_bots: [{ id: discord_a, token: "${botA.token}" }]
backend_bots: [{ id: alpha, api_key: "${KEY_ALPHA}", ordered: true }]
routing: { defaults: { discord_a: alpha } }
`,
    });
    ({ url } = await rig.startApi());
    await seedDeliveries(prisma, 6, { conversations: 2 });
    const batch = (await lease({ limit: 10 })).body.messages;
    expect(batch.map((m) => m.discord_message.content)).toEqual(['message 1', 'message 2']);
    expect((await lease({ limit: 10 })).body.messages).toEqual([]);
    await settle('ack', { receipts: [batch[0].receipt] });
    const third = (await lease({ limit: 10 })).body.messages;
    expect(third.map((m) => m.discord_message.content)).toEqual(['message 3']);
    await settle('ack', { receipts: [batch[1].receipt, third[0].receipt] });
    // A cron backend reading pending gets the rest of both conversations in order, in one read.
    expect(
      (await relayHttp<LeaseResponse>(url, 'GET', '/v1/messages/pending')).body.messages.map(
        (m) => m.discord_message.content,
      ),
    ).toEqual(['message 4', 'message 5', 'message 6']);
  });

  it('refuses bad input with 400 and rate-limits each key with 429 and Retry-After', async () => {
    const bad = await relayHttp(url, 'POST', '/v1/messages/lease', {
      body: { limit: 1000, wait_seconds: 60, extra: true },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: 'invalid_request',
      message: expect.stringMatching(
        /limit must not be greater than 100.*wait_seconds must not be greater than 20|property extra should not exist/,
      ),
    });
    await rig.close();
    rig = await relayRig();
    ({ url } = await rig.startApi({ RELAY_RATE_LIMIT_PER_MINUTE: '3' }));
    // The budget lives in Postgres and outlasts an API restart (the bad request above counted): start this minute afresh.
    await prisma.relayRateWindow.deleteMany();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await relayHttp(url, 'GET', '/v1/health')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await relayHttp(url, 'GET', '/v1/health');
    expect(limited).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await relayHttp(url, 'GET', '/v1/health', { key: KEY_BETA })).status).toBe(200); // per key
  });

  it('sends idempotently with an Idempotency-Key, and maps Discord errors to the plan’s codes', async () => {
    const request = {
      discord_bot_id: 'discord_a',
      destination: { type: 'channel', channel_id: rig.channelA },
      content: 'once only',
    };
    const headers = { 'idempotency-key': 'reply-1' };
    const first = await relayHttp<SendResponse>(url, 'POST', '/v1/messages/send', { body: request, headers });
    const again = await relayHttp<SendResponse>(url, 'POST', '/v1/messages/send', { body: request, headers });
    expect(first.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(rig.discord.messages(rig.channelA).filter((m) => m.content === 'once only')).toHaveLength(1);
    // A crash after Discord posted it and before it was recorded: the retry finds it by its nonce.
    await prisma.relayOutboundMessage.updateMany({ data: { status: 'sending', discordMessageId: null } });
    expect((await relayHttp<SendResponse>(url, 'POST', '/v1/messages/send', { body: request, headers })).body).toEqual(
      first.body,
    );
    expect(rig.discord.messages(rig.channelA).filter((m) => m.content === 'once only')).toHaveLength(1);
    expect(
      rig.discord.requests
        .filter((r) => r.method === 'POST')
        .map((r) => (r.body as { nonce?: string; enforce_nonce?: boolean }).enforce_nonce),
    ).toEqual([true, true]);
    const reused = await relayHttp(url, 'POST', '/v1/messages/send', {
      body: { ...request, content: 'something else' },
      headers,
    });
    expect(reused).toMatchObject({ status: 409, body: { error: 'conflict' } });

    const send = (body: Record<string, unknown>) =>
      relayHttp(url, 'POST', '/v1/messages/send', { body: { discord_bot_id: 'discord_a', content: 'x', ...body } });
    // A channel not routed to the backend (here: one that does not exist) is refused before Discord is asked (relay-send-rules.test.ts).
    expect(await send({ destination: { type: 'channel', channel_id: snowflake() } })).toMatchObject({
      status: 403,
      body: { error: 'forbidden' },
    });
    expect(
      await send({ discord_bot_id: 'discord_z', destination: { type: 'dm', user_id: snowflake() } }),
    ).toMatchObject({ status: 404 });
    rig.discord.failNext({ path: /\/messages$/, status: 403, code: 50001, message: 'Missing Access' });
    expect(await send({ destination: { type: 'channel', channel_id: rig.channelA } })).toMatchObject({
      status: 403,
      body: { error: 'forbidden' },
    });
    rig.discord.failNext({ path: /\/messages$/, status: 429, retryAfterSeconds: 7 });
    const limited = await send({ destination: { type: 'channel', channel_id: rig.channelA } });
    expect(limited).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await send({ destination: { type: 'pigeon' } })).toMatchObject({ status: 400 });
    rig.discord.failNext({ path: /\/messages$/, status: 500 });
    // (A DM to a user whose DM was delivered to alpha: the client now knows channel A's bucket is empty for 7 s.)
    const fan = snowflake();
    await deliveredDm(prisma, rig, 'alpha', fan);
    const down = await send({ destination: { type: 'dm', user_id: fan } });
    expect(down).toMatchObject({ status: 503, body: { error: 'unavailable' } });
    expect(JSON.stringify(down.body)).not.toContain(rig.botA.token);
  });
});
