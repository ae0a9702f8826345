import { ChannelType, PermissionFlagsBits as P } from 'discord.js';
import { campaignRig, CampaignRig } from '../support/campaigns';
import { useTestInfra } from '../support/infra';
import { waitFor } from '../support/sqs';

const A_YEAR_AGO = new Date(Date.now() - 365 * 24 * 3600 * 1000);
const ROLE_POSTS = /^\/guilds\/\d+\/roles$/;
const CHANNEL_POSTS = /^\/guilds\/\d+\/channels$/;

/**
 * Issue 16, item 1: a campaign takes over nothing it did not create. Objects that existed before
 * it — same names, seeded with old snowflakes — survive 429s, refusals, Retry and Roll back untouched.
 */
describe('campaign channels never adopt Discord objects they did not create', () => {
  const { sqs, prisma } = useTestInfra();
  let rig: CampaignRig;

  beforeEach(async () => {
    rig = await campaignRig(sqs, prisma);
    await rig.startApi();
  });
  afterEach(() => rig.close());

  it('a 429 on the role create: a new role is created and given; the server’s own “Staff Members” (Kick Members) is untouched and never granted', async () => {
    await rig.startWorker();
    const staff = rig.discord.addRole(rig.guildId, {
      name: 'Staff Members',
      permissions: P.KickMembers,
      createdAt: A_YEAR_AGO,
    });
    rig.discord.failNext({ method: 'POST', path: ROLE_POSTS, status: 429, retryAfterSeconds: 1 });

    const { interaction } = await rig.addCampaign('Staff');
    const { id } = await rig.campaignOf(interaction);
    const done = await rig.waitForCampaign(id, (c) => c.status === 'completed', 'completed');

    expect(done.role.roleId).not.toBe(staff);
    const roles = rig.discord.roles(rig.guildId).filter((r) => r.name === 'Staff Members');
    expect(roles.map((r) => r.id).sort()).toEqual([staff, done.role.roleId].sort());
    expect(roles.find((r) => r.id === staff)!.permissions).toBe(P.KickMembers.toString());
    expect(rig.discord.memberRoles(rig.guildId, rig.gmId)).toContain(done.role.roleId);
    expect(rig.discord.memberRoles(rig.guildId, rig.gmId)).not.toContain(staff);
    expect(rig.discord.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/roles/${staff}`))).toHaveLength(
      0,
    );
  });

  it('a 403, Retry and a 429 on the category create: new objects; Roll back deletes only those, the server’s “Staff” and its #general stay with their history', async () => {
    await rig.startWorker();
    const category = rig.discord.addChannel(rig.guildId, {
      type: ChannelType.GuildCategory,
      name: 'Staff',
      createdAt: A_YEAR_AGO,
    });
    const general = rig.discord.addChannel(rig.guildId, { name: 'general', parentId: category, createdAt: A_YEAR_AGO });
    rig.discord.postMessage({ authorId: rig.gmId, channelId: general, content: 'years of history' });
    rig.discord.failNext({
      method: 'POST',
      path: CHANNEL_POSTS,
      body: /"name":"Staff"/,
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });

    const { interaction } = await rig.addCampaign('Staff');
    const { id } = await rig.campaignOf(interaction);
    await rig.waitForCampaign(id, (c) => c.status === 'failed', 'failed on the category');
    // A refusal created nothing: the attempt is forgotten at once, not only by Retry.
    expect(
      await prisma.campaignStep.findUniqueOrThrow({ where: { campaignId_position: { campaignId: id, position: 1 } } }),
    ).toMatchObject({ status: 'failed', attemptedAt: null });
    const message = () => rig.discord.originalResponse(interaction)!;
    await waitFor(() => message().content.startsWith('❌'), { what: 'the failure shown' });

    rig.discord.failNext({
      method: 'POST',
      path: CHANNEL_POSTS,
      body: /"name":"Staff"/,
      status: 429,
      retryAfterSeconds: 1,
    });
    rig.discord.failNext({
      method: 'POST',
      path: CHANNEL_POSTS,
      body: /"name":"gm-notes"/,
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    await rig.press(message(), 'Retry', rig.gmId);
    const failed = await rig.waitForCampaign(
      id,
      (c) => c.status === 'failed' && c.channels.some((ch) => ch.name === 'gm-notes' && ch.status === 'failed'),
      'failed on gm-notes',
    );

    expect(failed.category.channelId).not.toBe(category);
    const ours = [failed.category.channelId!, ...failed.channels.flatMap((c) => (c.channelId ? [c.channelId] : []))];
    expect(ours).not.toContain(general);
    expect(rig.discord.channel(general)!.parent_id).toBe(category);
    await waitFor(() => message().content.startsWith('❌'), { what: 'the second failure shown' });

    await rig.press(message(), 'Roll back', rig.gmId);
    await rig.waitForCampaign(id, (c) => c.status === 'rolled_back', 'rolled back');
    for (const channelId of ours) expect(rig.discord.channel(channelId)).toBeUndefined();
    expect(rig.discord.roles(rig.guildId).some((r) => r.id === failed.role.roleId)).toBe(false);
    expect(rig.discord.channel(category)).toMatchObject({ name: 'Staff', type: ChannelType.GuildCategory });
    expect(rig.discord.channel(general)).toMatchObject({ name: 'general', parent_id: category });
    expect(rig.discord.messages(general).map((m) => m.content)).toEqual(['years of history']);
  });

  it('Roll back leaves in place an object older than the campaign that its record names (as the old adoption recorded them), and deletes the rest', async () => {
    await rig.startWorker();
    const legacy = rig.discord.addChannel(rig.guildId, {
      type: ChannelType.GuildCategory,
      name: 'Legacy',
      createdAt: A_YEAR_AGO,
    });
    rig.discord.failNext({
      method: 'POST',
      path: CHANNEL_POSTS,
      body: /"name":"scheduling"/,
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    const { interaction } = await rig.addCampaign('Legacy');
    const { id } = await rig.campaignOf(interaction);
    const failed = await rig.waitForCampaign(id, (c) => c.status === 'failed', 'failed');
    const message = () => rig.discord.originalResponse(interaction)!;
    await waitFor(() => message().content.startsWith('❌'), { what: 'the failure shown' });
    // The record an earlier version's adoption would have made: the server's own category as the campaign's.
    rig.discord.removeChannel(failed.category.channelId!);
    await prisma.campaignStep.update({
      where: { campaignId_position: { campaignId: id, position: 1 } },
      data: { discordId: legacy },
    });

    await rig.press(message(), 'Roll back', rig.gmId);
    const rolledBack = await rig.waitForCampaign(id, (c) => c.status === 'rolled_back', 'rolled back');
    expect(rig.discord.channel(legacy)).toMatchObject({ name: 'Legacy', type: ChannelType.GuildCategory });
    expect(
      rig.discord.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith(`/channels/${legacy}`)),
    ).toHaveLength(0);
    expect(rolledBack.category).toMatchObject({
      status: 'deleted',
      error: expect.stringContaining('existed before the campaign'),
    });
    expect(rig.discord.roles(rig.guildId).some((r) => r.id === failed.role.roleId)).toBe(false);
    for (const channel of failed.channels.filter((c) => c.channelId))
      expect(rig.discord.channel(channel.channelId!)).toBeUndefined();
  });

  it('after a 5xx (the create may have happened) it adopts only an object made since the attempt with this code’s fingerprint', async () => {
    await rig.startWorker();
    // Same name, made just now (within the clock skew) but with permissions: not this code's.
    const fresh = rig.discord.addRole(rig.guildId, { name: 'Fresh Members', permissions: P.KickMembers });
    // Same name and exactly what this code creates, but a year old: not this campaign's.
    const old = rig.discord.addRole(rig.guildId, { name: 'Fresh Members', permissions: 0n, createdAt: A_YEAR_AGO });
    rig.discord.failNext({ method: 'POST', path: ROLE_POSTS, status: 502 });

    const { interaction } = await rig.addCampaign('Fresh');
    const { id } = await rig.campaignOf(interaction);
    const done = await rig.waitForCampaign(id, (c) => c.status === 'completed', 'completed');

    expect([fresh, old]).not.toContain(done.role.roleId);
    expect(rig.discord.roles(rig.guildId).filter((r) => r.name === 'Fresh Members')).toHaveLength(3);
    expect(rig.discord.memberRoles(rig.guildId, rig.gmId)).not.toContain(fresh);
    expect(rig.discord.memberRoles(rig.guildId, rig.gmId)).not.toContain(old);
  });

  it('Retry forgets an attempt whose outcome was unknown: nothing is looked for, the object is created afresh', async () => {
    await rig.startWorker({ CAMPAIGN_MAX_ATTEMPTS: '1' });
    rig.discord.failNext({ method: 'POST', path: CHANNEL_POSTS, body: /"name":"Unknown Outcome"/, status: 500 });

    const { interaction } = await rig.addCampaign('Unknown Outcome');
    const { id } = await rig.campaignOf(interaction);
    await rig.waitForCampaign(id, (c) => c.status === 'failed', 'failed on the category');
    // A 5xx leaves the outcome unknown: the mark stays until Retry.
    expect(
      (await prisma.campaignStep.findUniqueOrThrow({ where: { campaignId_position: { campaignId: id, position: 1 } } }))
        .attemptedAt,
    ).not.toBeNull();
    const message = () => rig.discord.originalResponse(interaction)!;
    await waitFor(() => message().content.startsWith('❌'), { what: 'the failure shown' });

    const pressedAt = rig.discord.requests.length;
    await rig.press(message(), 'Retry', rig.gmId);
    await rig.waitForCampaign(id, (c) => c.status === 'completed', 'completed after Retry');
    const after = rig.discord.requests.slice(pressedAt);
    const categoryPost = after.findIndex(
      (r) =>
        r.method === 'POST' && CHANNEL_POSTS.test(r.path) && (r.body as { name: string }).name === 'Unknown Outcome',
    );
    expect(categoryPost).toBeGreaterThanOrEqual(0);
    expect(after.slice(0, categoryPost).filter((r) => r.method === 'GET' && CHANNEL_POSTS.test(r.path))).toHaveLength(
      0,
    );
  });
});
