import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { adminHttp, bearer, http } from '../support/http';
import { useTestInfra } from '../support/infra';
import { OrderThreadsRig, orderThreadsRig, seedParticipants } from '../support/order-threads';
import { drainQueue, waitFor } from '../support/sqs';
import { startTcpProxy } from '../support/tcp-proxy';
import { startApi } from '../support/worker';

/** Every bad input gets a 4xx with a message, never a 500; and nothing unsendable blocks an order. */
describe('bad input to the API', () => {
  const { sqs, prisma } = useTestInfra();
  let rig: OrderThreadsRig;

  beforeEach(async () => {
    rig = await orderThreadsRig(sqs);
  });
  afterEach(() => rig.close());

  it('refuses an order placed with both a contractor and a community, and unknown references, with clear messages', async () => {
    const { url } = await rig.startApi();
    const { customer, community } = await seedParticipants(prisma, rig);
    const contractor = await adminHttp<{ id: string }>(url, 'POST', '/contractors', { name: 'C' });
    const order = { title: 'x', customerId: customer.id };

    expect(
      await http(url, 'POST', '/orders', { ...order, contractorId: contractor.body.id, communityId: community.id }),
    ).toMatchObject({
      status: 400,
      body: { message: ['give either contractorId or communityId, not both'] },
    });
    const unknown = randomUUID();
    expect(await http(url, 'POST', '/orders', { ...order, contractorId: unknown })).toMatchObject({
      status: 404,
      body: { message: `Contractor ${unknown} does not exist` },
    });
    expect(await http(url, 'POST', '/orders', { ...order, communityId: 'no-such-community' })).toMatchObject({
      status: 404,
      body: { message: 'Community no-such-community does not exist' },
    });
    expect(
      await http(url, 'POST', '/offer-sessions', { customerId: customer.id, communityId: 'no-such-community' }),
    ).toMatchObject({ status: 404 });
    expect(await prisma.order.count()).toBe(0);
  });

  it('refuses text that Postgres or SQS cannot take, naming the field: NUL, control characters, U+FFFE, U+FFFF, lone surrogates', async () => {
    const { url } = await rig.startApi();
    const { customer, community } = await seedParticipants(prisma, rig);
    const cases: [string, string, string][] = [
      ['title', 'a\u0000b', '0000'],
      ['title', 'bell\u0007', '0007'],
      ['title', 'x\uFFFE', 'FFFE'],
      ['description', '\uFFFF', 'FFFF'],
      ['description', 'half \uD83D surrogate', 'D83D'],
    ];
    for (const [field, value, code] of cases) {
      expect(
        await http(url, 'POST', '/orders', {
          title: 'ok',
          customerId: customer.id,
          communityId: community.id,
          [field]: value,
        }),
      ).toMatchObject({
        status: 400,
        body: {
          message: expect.stringMatching(
            new RegExp(`^${field} contains a character that cannot be stored or queued \\(U\\+${code}\\)`),
          ),
        },
      });
    }
    // Tabs, newlines and any real character (emoji included) are fine.
    expect(
      (
        await http(url, 'POST', '/orders', {
          title: 'Tab\there 🎲 ✓',
          description: 'line\nline',
          customerId: customer.id,
          communityId: community.id,
        })
      ).status,
    ).toBe(201);
    const [order] = await prisma.order.findMany();
    expect(
      await http(url, 'POST', `/orders/${order.id}/messages`, { authorName: 'A', content: 'bad \uFFFF' }),
    ).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^content contains a character/) },
    });
    expect(await http(url, 'POST', '/users', { username: 'x', ['k\u0000']: 1 })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^k\u0000 contains/) },
    });
  });

  it('reads JSON bodies of any JSON type; refuses malformed ones with 400 only after the key check, other types as absent, and oversized ones with 413; a trailing slash or a capital changes nothing', async () => {
    const { url } = await rig.startApi();
    const post = async (body: string, headers: Record<string, string>) => {
      const res = await fetch(`${url}/users`, { method: 'POST', headers, body });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const user = (name: string) => JSON.stringify({ username: name });

    expect(await post(user('a'), { 'content-type': 'application/json; charset=utf-8', ...bearer() })).toMatchObject({
      status: 201,
    });
    expect(await post(user('b'), { 'content-type': 'application/vnd.marketplace+json', ...bearer() })).toMatchObject({
      status: 201,
    });
    expect(
      await post(user('b2'), { 'content-type': 'application/vnd.marketplace+json; charset=utf-8', ...bearer() }),
    ).toMatchObject({ status: 201 });
    // Not JSON: whoever sends it is asked for a key first, and told what is wrong with the body after.
    expect(await post('{"username": ', { 'content-type': 'application/json' })).toMatchObject({ status: 401 });
    expect(await post('{"username": ', { 'content-type': 'application/json', ...bearer() })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^The request body is not valid JSON: /) },
    });
    // Another type is read as no body at all: validation names what is missing.
    expect(await post(user('c'), { 'content-type': 'text/plain', ...bearer() })).toMatchObject({
      status: 400,
      body: { message: expect.arrayContaining([expect.stringMatching(/^username /)]) },
    });
    expect(await post(user('x'.repeat(300 * 1024)), { 'content-type': 'application/json', ...bearer() })).toMatchObject(
      {
        status: 413,
        body: { message: expect.stringMatching(/too large/i) },
      },
    );
    // A trailing slash or a capital letter names the same route.
    expect(await http(url, 'POST', '/users/', { username: 'd' })).toMatchObject({ status: 201 });
    expect(await http(url, 'POST', '/Users', { username: 'e' })).toMatchObject({ status: 201 });
    expect(await prisma.user.count()).toBe(5);
  });

  it('answers 503 with Retry-After while the database is unreachable, and works again after', async () => {
    const proxy = await startTcpProxy(new URL(`http://${new URL(process.env.TEST_DATABASE_URL!).host}`));
    const databaseUrl = new URL(process.env.TEST_DATABASE_URL!);
    databaseUrl.host = new URL(proxy.endpoint).host;
    let api: { app: INestApplication; url: string } | undefined;
    try {
      api = await startApi({
        DATABASE_URL: databaseUrl.toString(),
        OUTBOX_RELAY_ENABLED: 'false',
        DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      });
      proxy.cut();
      const res = await fetch(`${api.url}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer() },
        body: JSON.stringify({ username: 'x' }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toEqual({
        statusCode: 503,
        error: 'SERVICE_UNAVAILABLE',
        message: 'The database is unavailable or busy; try again shortly',
      });
      proxy.restore();
      await waitFor(async () => (await http(api!.url, 'POST', '/users', { username: 'x' })).status === 201, {
        what: 'the API working again',
      });
    } finally {
      proxy.restore();
      await api?.app.close();
      await proxy.close();
    }
  });

  it('parks a message SQS refuses for its content (shown on the order) and sends the order’s later messages', async () => {
    const { url } = await rig.startApi();
    const { customer, community } = await seedParticipants(prisma, rig);
    const created = await http<{ id: string }>(url, 'POST', '/orders', {
      title: 'Parked',
      customerId: customer.id,
      communityId: community.id,
    });
    await waitFor(async () => (await prisma.outboxMessage.count({ where: { sentAt: { not: null } } })) === 1, {
      what: 'create_thread sent',
    });
    // A message staged before text was checked at the door: SQS will never take it.
    await prisma.outboxMessage.create({
      data: {
        destination: 'discord',
        orderingKey: `order:${created.body.id}`,
        body: JSON.stringify({ type: 'forward_chat_message', payload: { content: 'bad \uFFFF' } }),
      },
    });
    expect((await http(url, 'PATCH', `/orders/${created.body.id}/status`, { status: 'in_progress' })).status).toBe(200);

    await waitFor(async () => (await prisma.outboxMessage.count({ where: { sentAt: { not: null } } })) === 2, {
      what: 'the later status update sent',
    });
    const view = await http<{ undeliverable: unknown[] }>(url, 'GET', `/orders/${created.body.id}`);
    expect(view.body.undeliverable).toEqual([
      {
        outboxId: expect.any(String),
        destination: 'discord',
        type: 'forward_chat_message',
        rejection: expect.stringMatching(/InvalidMessageContents/),
        rejectedAt: expect.any(String),
      },
    ]);
    const sent = (await drainQueue(sqs, rig.discordQueue.queueUrl)).map(
      (m) => (JSON.parse(m.Body!) as { type: string }).type,
    );
    expect(sent).toEqual(['create_thread', 'update_order_status']);
  });
});
