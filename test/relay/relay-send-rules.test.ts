import type { SendResponse } from '@discord-backbone/contracts';
import { snowflake } from '../support/database';
import { useTestInfra } from '../support/infra';
import { deliveredDm, KEY_ALPHA, KEY_BETA, relayHttp, relayRig, RelayRig } from '../support/relay';

/**
 * Where a backend bot may send (issue 16, item 2): where its messages come from — channels routed
 * or defaulted to it, DM users routed to it by `dm_user`, users whose DMs it was given — and its
 * send_allowlist. Everything else is 403, whether or not the destination exists: a Discord bot's
 * default backend may not DM any user.
 *
 * discord_a ingests channel A and channel B (guild 1) and "other" (guild 2); routes: channel A →
 * alpha, guild 1 → beta, betaUser's DMs → beta, default → alpha. beta's send_allowlist names a
 * channel of guild 2 that is not ingested, and one user.
 */
describe('message relay: where a backend bot may send', () => {
  const { prisma } = useTestInfra();
  let rig: RelayRig;
  let url: string;
  let other: string;
  let otherQuiet: string;
  const allowedUser = snowflake();

  beforeEach(async () => {
    rig = await relayRig({
      config: ({ discord, guildId, botA, botB, channelA, channelB, betaUser }) => {
        const secondGuild = discord.addGuild({ bots: [botA.userId, botB.userId] }).id;
        other = discord.addChannel(secondGuild, { name: 'other' });
        otherQuiet = discord.addChannel(secondGuild, { name: 'other-quiet' });
        return `
discord_bots:
  - { id: discord_a, token: "${botA.token}", channel_allowlist: ["${channelA}", "${channelB}", "${other}"] }
  - { id: discord_b, token: "${botB.token}", channel_allowlist: ["${channelB}"] }
backend_bots:
  - { id: alpha, api_key: "${KEY_ALPHA}" }
  - id: beta
    api_key: "${KEY_BETA}"
    send_allowlist:
      - { discord_bot_id: discord_a, channel_id: "${otherQuiet}" }
      - { discord_bot_id: discord_a, user_id: "${allowedUser}" }
routing: { defaults: { discord_a: alpha } }
routes:
  - { discord_bot_id: discord_a, scope_type: channel, scope_id: "${channelA}", backend_bot_id: alpha }
  - { discord_bot_id: discord_a, scope_type: guild, scope_id: "${guildId}", backend_bot_id: beta }
  - { discord_bot_id: discord_a, scope_type: dm_user, scope_id: "${betaUser}", backend_bot_id: beta }
  - { discord_bot_id: discord_b, scope_type: channel, scope_id: "${channelB}", backend_bot_id: beta }
`;
      },
    });
    ({ url } = await rig.startApi());
  });
  afterEach(() => rig.close());

  const send = (key: string, destination: Record<string, string>, discordBotId = 'discord_a') =>
    relayHttp<SendResponse & { error?: string; message?: string }>(url, 'POST', '/v1/messages/send', {
      key,
      body: { discord_bot_id: discordBotId, destination, content: 'hello' },
    });
  const channel = (channelId: string) => ({ type: 'channel', channel_id: channelId });
  const dm = (userId: string) => ({ type: 'dm', user_id: userId });

  it('sends to channels routed to the backend, and to allowlisted channels defaulted to it; refuses the rest alike', async () => {
    expect((await send(KEY_ALPHA, channel(rig.channelA))).status).toBe(200); // channel route
    expect((await send(KEY_BETA, channel(rig.channelB))).status).toBe(200); // guild route, channel allowlisted
    expect((await send(KEY_BETA, channel(rig.channelB), 'discord_b')).status).toBe(200);
    expect((await send(KEY_ALPHA, channel(other))).status).toBe(200); // defaulted: allowlisted, no route matches
    expect((await send(KEY_BETA, channel(otherQuiet))).status).toBe(200); // send_allowlist

    const refused = [
      await send(KEY_ALPHA, channel(rig.channelB)), // guild 1 is beta's
      await send(KEY_BETA, channel(rig.channelA)), // a channel route outranks beta's guild route
      await send(KEY_BETA, channel(other)), // alpha's by default
      await send(KEY_ALPHA, channel(rig.quietChannel)), // not allowlisted: nobody's by default…
      await send(KEY_BETA, channel(rig.quietChannel)), // …nor by beta's guild route
      await send(KEY_ALPHA, channel(otherQuiet)), // in beta's send_allowlist, not alpha's
      await send(KEY_ALPHA, channel(snowflake())), // does not exist: the same answer
    ];
    for (const answer of refused) {
      expect(answer).toMatchObject({ status: 403, body: { error: 'forbidden', message: refused[0].body.message } });
    }
    expect(refused[0].body.message).toMatch(/^This backend bot may not send there through discord_a/);
    // A Discord bot that routes nothing to the backend stays unknown to it.
    expect((await send(KEY_ALPHA, channel(rig.channelB), 'discord_b')).status).toBe(404);

    const posted = rig.discord.requests.filter((r) => r.method === 'POST' && /\/messages$/.test(r.path));
    expect(posted).toHaveLength(5);
  });

  it('sends to DM users routed to the backend by dm_user, to users whose DMs it was given, and to its send_allowlist; never by default', async () => {
    const stranger = snowflake();
    expect((await send(KEY_BETA, dm(rig.betaUser))).status).toBe(200); // dm_user route
    expect((await send(KEY_BETA, dm(allowedUser))).status).toBe(200); // send_allowlist
    const refused = [
      await send(KEY_ALPHA, dm(stranger)), // alpha is discord_a's default: that covers channels, not DMs to anyone (issue 16, item 2)
      await send(KEY_ALPHA, dm(rig.betaUser)), // beta's by dm_user
      await send(KEY_BETA, dm(stranger)),
    ];
    for (const answer of refused)
      expect(answer).toMatchObject({ status: 403, body: { error: 'forbidden', message: refused[0].body.message } });

    // DMs from `writer` delivered to beta (as a route in force then would have done) and from `fan` to alpha (its default): each backend may answer its own, by user or by DM channel.
    const writer = snowflake();
    const fan = snowflake();
    const incoming = await deliveredDm(prisma, rig, 'beta', writer);
    await deliveredDm(prisma, rig, 'alpha', fan);
    expect((await send(KEY_BETA, dm(writer))).status).toBe(200);
    expect(await send(KEY_BETA, channel(incoming.channel_id))).toMatchObject({
      status: 200,
      body: { channel_id: incoming.channel_id },
    });
    expect((await send(KEY_ALPHA, dm(fan))).status).toBe(200);
    expect((await send(KEY_ALPHA, dm(writer))).status).toBe(403);
    expect((await send(KEY_ALPHA, channel(incoming.channel_id))).status).toBe(403);
    expect((await send(KEY_BETA, dm(fan))).status).toBe(403);
    expect(rig.discord.dms(writer, rig.botA.userId).filter((m) => m.content === 'hello')).toHaveLength(2);
    expect(rig.discord.dms(fan, rig.botA.userId).filter((m) => m.content === 'hello')).toHaveLength(1);
  });
});
