import { INestApplication } from '@nestjs/common';
import { FakeDiscord, startFakeDiscord } from '@discord-backbone/discord-standin';
import { seedCommunity } from '../factories/rows';
import { snowflake } from '../support/database';
import { http } from '../support/http';
import { useTestInfra } from '../support/infra';
import { startApi } from '../support/worker';

/** Linking a Discord account proven by the user's OAuth2 token, and claims too large for Prisma's default transaction. */
describe('account linking: proof of ownership and large claims', () => {
  const { prisma } = useTestInfra();
  let fake: FakeDiscord;
  let api: { app: INestApplication; url: string } | undefined;

  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(() => fake.close());
  afterEach(async () => {
    fake.reset();
    await api?.app.close();
    api = undefined;
  });

  const start = async (overrides: Record<string, string> = {}) => {
    // No bot token: checking a user's OAuth2 token needs none.
    api = await startApi({ DISCORD_API_BASE_URL: fake.apiUrl, ...overrides });
    return api.url;
  };
  const newUser = async () => (await prisma.user.create({ data: { username: `u${snowflake().slice(-6)}` } })).id;

  it('links an account proven by its OAuth2 token, and refuses a token of another account or one Discord rejects', async () => {
    const url = await start();
    const discordUserId = snowflake();
    const someoneElse = snowflake();
    const userId = await newUser();

    const proven = await http(url, 'POST', `/users/${userId}/discord-link`, {
      discordUserId,
      discordAccessToken: fake.issueOAuthToken(discordUserId),
    });
    expect(proven).toEqual({
      status: 200,
      body: { userId, discordUserId, verified: true, claimed: { items: 0, characters: 0 } },
    });

    const other = await newUser();
    const stolen = await http(url, 'POST', `/users/${other}/discord-link`, {
      discordUserId: someoneElse,
      discordAccessToken: fake.issueOAuthToken(discordUserId),
    });
    expect(stolen).toMatchObject({
      status: 403,
      body: { message: `discordAccessToken belongs to another Discord account than ${someoneElse}` },
    });
    const rejected = await http(url, 'POST', `/users/${other}/discord-link`, {
      discordUserId: someoneElse,
      discordAccessToken: 'not-a-token',
    });
    expect(rejected).toMatchObject({
      status: 403,
      body: { message: expect.stringMatching(/Discord rejected discordAccessToken/) },
    });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: other } })).discordUserId).toBeNull();
    // The user's token went to Discord as a Bearer token, never as the bot's.
    const lookups = fake.requests.filter((r) => r.path === '/users/@me');
    expect(lookups.map((r) => r.headers.authorization?.split(' ')[0])).toEqual(['Bearer', 'Bearer', 'Bearer']);
  });

  it('requires the token when ACCOUNT_LINK_REQUIRE_DISCORD_TOKEN is set', async () => {
    const url = await start({ ACCOUNT_LINK_REQUIRE_DISCORD_TOKEN: 'true' });
    const userId = await newUser();
    expect(await http(url, 'POST', `/users/${userId}/discord-link`, { discordUserId: snowflake() })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/discordAccessToken is required/) },
    });
  });

  it('accepts every Discord ID a user can have and explains the others', async () => {
    const url = await start();
    for (const id of ['10000000000000000', '18446744073709551615'])
      expect((await http(url, 'POST', `/users/${await newUser()}/discord-link`, { discordUserId: id })).status).toBe(
        200,
      );
    for (const id of [
      '18446744073709551616',
      '01234567890123456',
      '1234567890123456',
      '123456789012345678901',
      123456789012345678,
    ]) {
      expect(await http(url, 'POST', `/users/${await newUser()}/discord-link`, { discordUserId: id })).toMatchObject({
        status: 400,
        body: { message: ['discordUserId must be a Discord ID of 17–20 digits'] },
      });
    }
  });

  it('claims 1,000 pending awards in one link, past the default 5 s transaction limit', async () => {
    const url = await start();
    const { community, stackable, unique } = await seedCommunity(prisma);
    const discordUserId = snowflake();
    const characters = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        prisma.character.create({ data: { communityId: community.id, name: `c${i}` } }),
      ),
    );
    await prisma.pendingOwnership.createMany({
      data: [
        ...Array.from({ length: 600 }, () => ({
          discordUserId,
          communityId: community.id,
          itemTypeId: stackable.id,
          quantity: 2,
        })),
        ...Array.from({ length: 300 }, () => ({
          discordUserId,
          communityId: community.id,
          itemTypeId: unique.id,
          quantity: 3,
        })),
        ...characters.map((c) => ({ discordUserId, communityId: community.id, characterId: c.id })),
      ],
    });
    const userId = await newUser();

    const link = await http(url, 'POST', `/users/${userId}/discord-link`, { discordUserId });
    expect(link).toEqual({
      status: 200,
      body: { userId, discordUserId, verified: false, claimed: { items: 2100, characters: 100 } },
    });
    expect(await prisma.pendingOwnership.count({ where: { claimedAt: null } })).toBe(0);
    expect((await prisma.itemHolding.findFirstOrThrow({ where: { userId, itemTypeId: stackable.id } })).quantity).toBe(
      1200,
    );
    expect(await prisma.itemHolding.count({ where: { userId, itemTypeId: unique.id } })).toBe(900);
    expect(await prisma.character.count({ where: { ownerId: userId } })).toBe(100);
  });
});
