import { Client } from 'pg';
import type { LeaseResponse, ReceiptResults } from '@discord-backbone/contracts';
import { RelayMaintenance } from '@discord-backbone/relay';
import { useTestInfra } from '../support/infra';
import { KEY_ALPHA, KEY_BETA, relayHttp, relayRig, RelayRig, seedDeliveries } from '../support/relay';
import { waitFor } from '../support/sqs';
import { startTcpProxy } from '../support/tcp-proxy';

/** The relay API under abuse and faults (issue 16, item 5): one rate limit per key, long polls that wait, clear answers for bad bodies and a database outage. */
describe('message relay API: abuse and faults', () => {
  const { prisma } = useTestInfra();
  let rig: RelayRig;

  afterEach(() => rig?.close());

  it('counts every /v1 route against one budget per backend key, and limits requests without a valid key per address', async () => {
    rig = await relayRig();
    const { url } = await rig.startApi({ RELAY_RATE_LIMIT_PER_MINUTE: '3' });
    // Three routes, then a fourth: one budget, not one per route.
    expect((await relayHttp(url, 'GET', '/v1/health')).status).toBe(200);
    expect((await relayHttp(url, 'GET', '/v1/messages/pending')).status).toBe(200);
    expect((await relayHttp(url, 'POST', '/v1/messages/lease', { body: {} })).status).toBe(200);
    const limited = await relayHttp(url, 'GET', '/v1/dead');
    expect(limited).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await relayHttp(url, 'GET', '/v1/health', { key: KEY_BETA })).status).toBe(200); // another key, another budget

    // Guessing keys: 401 three times, then 429 for that address, whichever route and key it tries.
    const guesses = [];
    for (let i = 0; i < 4; i++)
      guesses.push(
        await relayHttp(url, 'GET', i % 2 ? '/v1/health' : '/v1/dead', {
          key: `a-wrong-key-of-plenty-of-characters-${i}-0123456789`,
        }),
      );
    expect(guesses.map((g) => g.status)).toEqual([401, 401, 401, 429]);
    expect(Number(guesses[3].headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await relayHttp(url, 'GET', '/v1/health', { key: null })).status).toBe(429);
    expect((await relayHttp(url, 'GET', '/v1/health', { key: KEY_BETA })).status).toBe(200); // a valid key is counted as its backend
  });

  it('shares each key’s budget across API replicas, and runs maintenance once a round however many replicas tick', async () => {
    rig = await relayRig();
    const replicas = [
      await rig.startApi({ RELAY_RATE_LIMIT_PER_MINUTE: '4' }),
      await rig.startApi({ RELAY_RATE_LIMIT_PER_MINUTE: '4' }),
    ];
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await relayHttp(replicas[i % 2].url, 'GET', '/v1/health')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]); // four in all, not four per replica

    const rounds = jest.spyOn(RelayMaintenance.prototype, 'runOnce');
    try {
      await Promise.all(
        replicas.flatMap(({ app }) => [
          app.get(RelayMaintenance).runIfClaimed(),
          app.get(RelayMaintenance).runIfClaimed(),
        ]),
      );
      expect(rounds).toHaveBeenCalledTimes(1);
    } finally {
      rounds.mockRestore();
    }
  });

  it('keeps a long poll on an ordered backend waiting, without queries, while the head of the conversation is leased; an ack wakes it', async () => {
    rig = await relayRig({
      config: ({ botA }) => `
discord_bots: [{ id: discord_a, token: "${botA.token}" }]
backend_bots: [{ id: alpha, api_key: "${KEY_ALPHA}", ordered: true }]
routing: { defaults: { discord_a: alpha } }
`,
    });
    const { url } = await rig.startApi();
    await seedDeliveries(prisma, 2);
    const lease = (body: Record<string, unknown>) =>
      relayHttp<LeaseResponse>(url, 'POST', '/v1/messages/lease', { body });
    const [head] = (await lease({ limit: 10, visibility_seconds: 60 })).body.messages;
    expect(head.discord_message.content).toBe('message 1');

    const statements = jest.spyOn(Client.prototype, 'query');
    try {
      const started = Date.now();
      expect((await lease({ limit: 10, wait_seconds: 2 })).body.messages).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      // A lease, when the next delivery is due, and the lease at the deadline: not one query per 10 ms.
      expect(statements.mock.calls.length).toBeLessThanOrEqual(6);
    } finally {
      statements.mockRestore();
    }

    const polling = lease({ limit: 10, wait_seconds: 10 });
    await new Promise((r) => setTimeout(r, 300));
    const acked = Date.now();
    expect(
      (await relayHttp<ReceiptResults>(url, 'POST', '/v1/messages/ack', { body: { receipts: [head.receipt] } })).body
        .results[0].result,
    ).toBe('ok');
    expect((await polling).body.messages.map((m) => m.discord_message.content)).toEqual(['message 2']);
    expect(Date.now() - acked).toBeLessThan(1000);
  });

  it('answers 503 with Retry-After while Postgres is unreachable, in the relay’s error shape', async () => {
    const proxy = await startTcpProxy(new URL(`http://${new URL(process.env.TEST_DATABASE_URL!).host}`));
    try {
      const databaseUrl = new URL(process.env.TEST_DATABASE_URL!);
      databaseUrl.host = new URL(proxy.endpoint).host;
      rig = await relayRig();
      const { url } = await rig.startApi({
        DATABASE_URL: databaseUrl.toString(),
        DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      });
      proxy.cut();
      const down = await relayHttp(url, 'POST', '/v1/messages/lease', {
        body: { limit: 1 },
        headers: { 'x-request-id': 'outage-1' },
      });
      expect(down).toMatchObject({
        status: 503,
        body: {
          error: 'unavailable',
          message: expect.stringMatching(/database is unavailable/),
          request_id: 'outage-1',
        },
      });
      expect(down.headers.get('retry-after')).toBe('5');
      proxy.restore();
      await waitFor(async () => (await relayHttp(url, 'GET', '/v1/messages/pending')).status === 200, {
        what: 'the relay API working again',
      });
    } finally {
      proxy.restore();
      await proxy.close();
    }
  });

  it('refuses a send without destination with 400, a body that is not JSON with 415, and redrives all dead deliveries only when asked explicitly', async () => {
    rig = await relayRig();
    const { url } = await rig.startApi();
    expect(
      await relayHttp(url, 'POST', '/v1/messages/send', {
        body: { discord_bot_id: 'discord_a', content: 'where to?' },
      }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', message: expect.stringMatching(/^destination must be/) },
    });

    await seedDeliveries(prisma, 2);
    await prisma.relayDelivery.updateMany({ data: { state: 'dead', deadAt: new Date(), deliveryCount: 5 } });
    const asText = (path: string, body: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY_ALPHA}`, 'content-type': 'text/plain' },
        body,
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await asText('/v1/dead/redrive', '{"delivery_ids":[]}')).toEqual({
      status: 415,
      body: {
        error: 'unsupported_media_type',
        message: expect.stringMatching(/must be JSON/),
        request_id: expect.any(String),
      },
    });
    expect((await asText('/v1/messages/ack', 'receipts=x')).status).toBe(415);
    expect(await relayHttp(url, 'POST', '/v1/dead/redrive', { body: {} })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/"all": true/) },
    });
    expect((await relayHttp(url, 'POST', '/v1/dead/redrive', { body: { all: false } })).status).toBe(400);
    expect(
      (await fetch(`${url}/v1/dead/redrive`, { method: 'POST', headers: { authorization: `Bearer ${KEY_ALPHA}` } }))
        .status,
    ).toBe(400);
    expect(await prisma.relayDelivery.count({ where: { state: 'dead' } })).toBe(2);

    expect(await relayHttp(url, 'POST', '/v1/dead/redrive', { body: { all: true } })).toMatchObject({
      status: 200,
      body: { redriven: 2 },
    });
    expect(await prisma.relayDelivery.count({ where: { state: 'pending' } })).toBe(2);
  });
});
