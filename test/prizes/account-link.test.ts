import { INestApplication } from '@nestjs/common';
import { QueueName } from '@discord-backbone/contracts';
import { seedCommunity } from '../factories/rows';
import { snowflake } from '../support/database';
import { bearer } from '../support/http';
import { useTestInfra } from '../support/infra';
import { createSystemQueue, send, waitFor } from '../support/sqs';
import { startApi, startWorker } from '../support/worker';

describe('claiming pending prizes when a Discord account is linked (API app)', () => {
  const { sqs, prisma } = useTestInfra();
  let api: { app: INestApplication; url: string };
  let worker: INestApplication | undefined;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.app.close());
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { id: string } & Record<string, unknown> };
  };

  it('turns every pending award of the account into ownership, stacking as grants do', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, stackable, unique, orphan } = await seedCommunity(prisma);
    const discordUserId = snowflake();
    worker = await startWorker(queues);
    const award = { discordGuildId: community.discordGuildId, discordUserId };
    await send(sqs, queues.queueUrl, { eventType: 'ITEM_AWARDED', ...award, itemTypeId: stackable.id, quantity: 2 });
    await send(sqs, queues.queueUrl, { eventType: 'ITEM_AWARDED', ...award, itemTypeId: stackable.id, quantity: 3 });
    await send(sqs, queues.queueUrl, { eventType: 'ITEM_AWARDED', ...award, itemTypeId: unique.id, quantity: 2 });
    await send(sqs, queues.queueUrl, { eventType: 'CHARACTER_AWARDED', ...award, characterId: orphan.id });
    await waitFor(async () => (await prisma.pendingOwnership.count()) === 4, { what: 'four pending ownerships' });

    const user = await post('/users', { username: 'hana' });
    expect(user.status).toBe(201);
    const link = await post(`/users/${user.body.id}/discord-link`, { discordUserId });
    expect(link).toEqual({
      status: 200,
      body: { userId: user.body.id, discordUserId, verified: false, claimed: { items: 7, characters: 1 } },
    });

    const holdings = await prisma.itemHolding.findMany({
      where: { userId: String(user.body.id) },
      orderBy: { quantity: 'desc' },
    });
    expect(holdings.map((h) => [h.itemTypeId, h.quantity])).toEqual([
      [stackable.id, 5],
      [unique.id, 1],
      [unique.id, 1],
    ]);
    expect((await prisma.character.findUniqueOrThrow({ where: { id: orphan.id } })).ownerId).toBe(user.body.id);
    expect(await prisma.pendingOwnership.count({ where: { claimedAt: null } })).toBe(0);

    // Linking again claims nothing twice; later awards go straight to the user.
    expect((await post(`/users/${user.body.id}/discord-link`, { discordUserId })).body.claimed).toEqual({
      items: 0,
      characters: 0,
    });
    await send(sqs, queues.queueUrl, { eventType: 'ITEM_AWARDED', ...award, itemTypeId: stackable.id, quantity: 1 });
    await waitFor(
      async () => (await prisma.itemHolding.findFirst({ where: { itemTypeId: stackable.id } }))?.quantity === 6,
      { what: 'direct grant' },
    );
  });

  it('answers bad requests with clear 4xx errors', async () => {
    const discordUserId = snowflake();
    const a = await post('/users', { username: 'a' });
    const b = await post('/users', { username: 'b' });
    expect(await post('/users', { username: '' })).toMatchObject({ status: 400 });
    expect(await post(`/users/${a.body.id}/discord-link`, { discordUserId: 'not-a-snowflake' })).toMatchObject({
      status: 400,
      body: { message: ['discordUserId must be a Discord ID of 17–20 digits'] },
    });
    expect(await post('/users/nobody/discord-link', { discordUserId })).toMatchObject({ status: 404 });
    expect((await post(`/users/${a.body.id}/discord-link`, { discordUserId })).status).toBe(200);
    expect(await post(`/users/${b.body.id}/discord-link`, { discordUserId })).toMatchObject({
      status: 409,
      body: { message: expect.stringMatching(/already linked/) },
    });
    const malformed = await fetch(`${api.url}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: '{"username":',
    });
    expect(malformed.status).toBe(400);
  });

  it('reports liveness and readiness (Postgres)', async () => {
    expect(await (await fetch(`${api.url}/health/live`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${api.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' } } });
  });

  it('lets a character that was claimed and later orphaned again be awarded anew', async () => {
    const queues = await createSystemQueue(sqs, QueueName.PRIZE_DISTRIBUTION);
    const { community, orphan } = await seedCommunity(prisma);
    const first = snowflake();
    const second = snowflake();
    worker = await startWorker(queues);
    const award = (discordUserId: string) => ({
      eventType: 'CHARACTER_AWARDED',
      discordGuildId: community.discordGuildId,
      discordUserId,
      characterId: orphan.id,
    });
    await send(sqs, queues.queueUrl, award(first));
    await waitFor(async () => (await prisma.pendingOwnership.count()) === 1, { what: 'the promise' });
    const user = await post('/users', { username: 'jo' });
    expect((await post(`/users/${user.body.id}/discord-link`, { discordUserId: first })).body.claimed).toEqual({
      items: 0,
      characters: 1,
    });

    await prisma.character.update({ where: { id: orphan.id }, data: { ownerId: null } }); // released by the marketplace
    await send(sqs, queues.queueUrl, award(second));
    await waitFor(
      async () => (await prisma.pendingOwnership.count({ where: { discordUserId: second, claimedAt: null } })) === 1,
      { what: 'the new promise' },
    );
  });
});
