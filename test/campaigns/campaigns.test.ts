import { generateKeyPairSync, sign } from 'node:crypto';
import { ChannelType, InteractionResponseType, OverwriteType, PermissionFlagsBits as P } from 'discord.js';
import { campaignRig, CampaignRig } from '../support/campaigns';
import { http } from '../support/http';
import { useTestInfra } from '../support/infra';

/** The overwrite a channel has for `id`, as bigints. */
const overwriteOf = (rig: CampaignRig, channelId: string, id: string) => {
  const o = rig.discord.overwrites(channelId).find((x) => x.id === id);
  return o && { type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) };
};

describe('campaign channels: /add-campaign → API → outbox → FIFO queue → worker → Discord, progress edited live', () => {
  const { sqs, prisma } = useTestInfra();
  let rig: CampaignRig;

  beforeEach(async () => {
    rig = await campaignRig(sqs, prisma);
  });
  afterEach(() => rig.close());

  it('answers PING with PONG, and refuses unsigned, badly signed and stale requests with 401, recording nothing', async () => {
    const { url } = await rig.startApi();
    const ping = await rig.discord.sendInteraction(rig.discord.pingInteraction());
    expect(ping).toMatchObject({ status: 200, body: { type: InteractionResponseType.Pong } });

    const command = rig.discord.commandInteraction({
      guildId: rig.guildId,
      channelId: rig.channelId,
      userId: rig.gmId,
      name: 'add-campaign',
      options: { name: 'Forged' },
    });
    const body = JSON.stringify(command.payload);
    const now = Math.floor(Date.now() / 1000);
    const otherKey = generateKeyPairSync('ed25519').privateKey;
    const refused = [
      await rig.discord.sendInteraction(command, { signature: null }), // no signature
      await rig.discord.sendInteraction(command, {
        signature: sign(null, Buffer.from(`${now}${body}`), otherKey).toString('hex'),
      }), // another key
      await rig.discord.sendInteraction(command, { signature: '00'.repeat(64) }),
      await rig.discord.sendInteraction(command, { body: body.replace('Forged', 'Forgee') }), // signed, then altered
      await rig.discord.sendInteraction(command, { timestamp: now - 301 }), // validly signed, but a replay from 5 minutes ago
      // From the future: taken when sent (the requests before may take seconds on a busy machine); the exact ±300 s bound is unit-tested.
      await rig.discord.sendInteraction(command, { timestamp: Math.floor(Date.now() / 1000) + 360 }),
      await rig.discord.sendInteraction(command, { body: '{"type": 2, ', signature: '00'.repeat(64) }), // not even JSON: still judged by its signature first
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401, 401]);
    // No API key gets past it either: the route has its own scheme.
    expect((await http(url, 'POST', '/interactions', command.payload)).status).toBe(401);
    expect(await prisma.campaign.count()).toBe(0);
    expect(await prisma.outboxMessage.count()).toBe(0);
  });

  it('creates the spec’s 10-channel campaign: answered deferred at once, role → category → channels, live progress, one summary', async () => {
    await rig.startApi();
    await rig.startWorker();
    const answer = await rig.addCampaign('My Campaign');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource }); // not ephemeral
    expect(rig.discord.originalResponse(answer.interaction)).toMatchObject({ flags: 128 }); // "thinking…" until the first edit
    // The interaction path made one Discord REST call: the server with its roles, for the invoker's permission.
    expect(rig.discord.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /guilds/${rig.guildId}`]);

    const { id } = await rig.campaignOf(answer.interaction);
    const done = await rig.waitForCampaign(id, (c) => c.status === 'completed', 'completed');
    const original = rig.discord.originalResponse(answer.interaction)!;
    await waitForSummary(rig, original.id);

    // The role, given to its creator.
    const role = rig.discord.roles(rig.guildId).find((r) => r.name === 'My Campaign Members')!;
    expect(done.role).toEqual({ name: 'My Campaign Members', status: 'created', roleId: role.id, error: null });
    expect(rig.discord.memberRoles(rig.guildId, rig.gmId)).toContain(role.id);

    // The category: hidden from @everyone, open to the role and the creator, the bot keeps access.
    const category = rig.discord.channel(done.category.channelId!)!;
    expect(category).toMatchObject({ type: ChannelType.GuildCategory, name: 'My Campaign' });
    expect(overwriteOf(rig, category.id, rig.guildId)).toMatchObject({ deny: P.ViewChannel });
    expect(overwriteOf(rig, category.id, role.id)!.allow & P.ViewChannel).toBe(P.ViewChannel);
    expect(overwriteOf(rig, category.id, rig.gmId)).toMatchObject({ type: OverwriteType.Member });
    expect(overwriteOf(rig, category.id, rig.discord.botUserId)!.allow & (P.ViewChannel | P.ManageChannels)).toBe(
      P.ViewChannel | P.ManageChannels,
    );

    // Ten channels in it, in template order, with their types and topics; not a Community server, so announcements are text.
    const channels = rig.discord.guildChannels(rig.guildId).filter((c) => c.parent_id === category.id);
    expect(channels.map((c) => [c.name, c.type])).toEqual([
      ['general', ChannelType.GuildText],
      ['announcements', ChannelType.GuildText],
      ['session-notes', ChannelType.GuildText],
      ['scheduling', ChannelType.GuildText],
      ['character-sheets', ChannelType.GuildForum],
      ['lore', ChannelType.GuildForum],
      ['dice-rolls', ChannelType.GuildText],
      ['Session Voice', ChannelType.GuildVoice],
      ['gm-notes', ChannelType.GuildText],
      ['GM Voice', ChannelType.GuildVoice],
    ]);
    expect(channels[0].topic).toBe('General discussion');
    expect(done.channels.map((c) => c.status)).toEqual(Array(10).fill('created'));
    // GM-only: the creator sees it, the role does not.
    const gmNotes = channels.find((c) => c.name === 'gm-notes')!;
    expect(overwriteOf(rig, gmNotes.id, role.id)).toMatchObject({ deny: P.ViewChannel });
    expect(overwriteOf(rig, gmNotes.id, rig.gmId)!.allow & P.ViewChannel).toBe(P.ViewChannel);
    expect(overwriteOf(rig, channels[0].id, role.id)!.allow & P.ViewChannel).toBe(P.ViewChannel);

    // Progress: edits of the deferred answer through the interaction token, at most one a second,
    // never going backwards, and one summary at the end.
    const edits = rig.discord.editsOf(original.id);
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.every((e) => e.via === 'webhook')).toBe(true);
    // The reporter claims an edit slot at most once a second (in Postgres); the fake sees the edits
    // after their trip through the worker and HTTP, whose delays vary by hundreds of ms on a busy
    // machine (up to half a second here): so one gap of a second per edit over the whole run, within
    // that half second, and never two edits in the same half second.
    const span = edits.at(-1)!.at - edits[0].at;
    expect((edits.length - 1) * 1000).toBeLessThanOrEqual(span + 500);
    for (let i = 1; i < edits.length; i++) expect(edits[i].at - edits[i - 1].at).toBeGreaterThanOrEqual(500);
    const counts = edits.map((e) => Number(/\((\d+)\/10\)/.exec(e.content)?.[1]));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(edits[0].content).toMatch(/^🏗️ Creating Campaign: My Campaign\n\n\[[█░]{20}\] \d+% \(\d+\/10\)/);
    expect(edits.filter((e) => e.content.startsWith('✅ Campaign ready')).length).toBe(1);
    const summary = edits.at(-1)!.content;
    expect(summary).toContain(`Role: <@&${role.id}>`);
    for (const channel of channels) expect(summary).toContain(`<#${channel.id}>`);
    expect(original.allowed_mentions).toEqual({ parse: [] });
    expect(original.components).toEqual([]);

    // One Discord call per object plus the pre-flight, the role for its creator, the bot's own id, and the edits.
    const creates = rig.discord.requests.filter(
      (r) => r.method === 'POST' && /^\/guilds\/\d+\/(channels|roles)$/.test(r.path),
    );
    expect(creates).toHaveLength(12);
    expect(await prisma.campaignInteractionToken.count()).toBe(1); // still within its lifetime
  });

  it('records one campaign when Discord delivers the same interaction twice', async () => {
    await rig.startApi();
    const first = await rig.addCampaign('Twice');
    const again = await rig.discord.sendInteraction(first.interaction);
    expect([first.body, again.body]).toEqual([{ type: 5 }, { type: 5 }]);
    await Promise.all([rig.discord.sendInteraction(first.interaction), rig.discord.sendInteraction(first.interaction)]);
    expect(await prisma.campaign.count()).toBe(1);
    expect(await prisma.campaignStep.count()).toBe(12);
    expect(await prisma.outboxMessage.count()).toBe(1);
  });

  it('refuses members without Manage Channels, bad names and unknown templates with a message only they see', async () => {
    await rig.startApi();
    const player = await rig.addCampaign('Mine', { as: rig.playerId });
    expect(player.body).toEqual({
      type: 4,
      data: {
        content: 'You need the Manage Channels permission on the server (not only in a channel) to create a campaign.',
        flags: 64,
        allowed_mentions: { parse: [] },
      },
    });
    expect((await rig.addCampaign('   ')).body).toMatchObject({
      type: 4,
      data: { content: expect.stringContaining('1 to 100 characters'), flags: 64 },
    });
    expect((await rig.addCampaign('x', { template: 'mega' })).body).toMatchObject({
      type: 4,
      data: { content: expect.stringContaining('standard, one-shot') },
    });
    expect(await prisma.campaign.count()).toBe(0);
  });

  it('creates a campaign from another template, and GET /campaigns/:id needs the service key', async () => {
    const { url } = await rig.startApi();
    await rig.startWorker();
    const answer = await rig.addCampaign('Quick one', { template: 'one-shot' });
    const { id } = await rig.campaignOf(answer.interaction);
    const done = await rig.waitForCampaign(id, (c) => c.status === 'completed', 'completed');
    expect(done.channels.map((c) => [c.name, c.type, c.gmOnly])).toEqual([
      ['general', 'Text', false],
      ['handouts', 'Text', false],
      ['Table', 'Voice', false],
      ['gm-notes', 'Text', true],
    ]);
    expect((await http(url, 'GET', `/campaigns/${id}`, undefined, { key: null })).status).toBe(401);
    expect((await http(url, 'GET', '/campaigns/6f9619ff-8b86-4d11-b42d-00c04fc964ff')).status).toBe(404);
    expect(JSON.stringify((await http(url, 'GET', `/campaigns/${id}`)).body)).not.toContain(answer.interaction.token);
  });
});

/** The summary is the final edit; it lands a moment after the status changes. */
async function waitForSummary(rig: CampaignRig, messageId: string): Promise<void> {
  const deadline = Date.now() + 10000;
  while (!rig.discord.editsOf(messageId).some((e) => e.content.startsWith('✅ Campaign ready'))) {
    if (Date.now() > deadline) throw new Error('no summary');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
