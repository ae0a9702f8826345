import { ChannelType, InteractionResponseType, PermissionFlagsBits as P } from 'discord.js';
import { CAMPAIGN_BOT_PERMISSIONS, FakeMessage } from '@discord-backbone/discord-standin';
import { campaignRig, CampaignRig } from '../support/campaigns';
import { useTestInfra } from '../support/infra';
import { waitFor } from '../support/sqs';

describe('campaign channels: Retry and Roll back', () => {
  const { sqs, prisma } = useTestInfra();
  let rig: CampaignRig;

  beforeEach(async () => {
    rig = await campaignRig(sqs, prisma);
    await rig.startApi();
    await rig.startWorker();
  });
  afterEach(() => rig.close());

  /** `/add-campaign`, failed by Discord refusing the `failing` channel (403): the failure message with its buttons. */
  const failedCampaign = async (name: string, failing: string): Promise<{ id: string; message: () => FakeMessage }> => {
    rig.discord.failNext({
      method: 'POST',
      path: /^\/guilds\/\d+\/channels$/,
      body: new RegExp(`"name":"${failing}"`),
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    const { interaction } = await rig.addCampaign(name);
    const { id } = await rig.campaignOf(interaction);
    await rig.waitForCampaign(id, (c) => c.status === 'failed', 'failed');
    const message = () => rig.discord.originalResponse(interaction)!;
    await waitFor(() => message().content.startsWith('❌'), { what: 'the failure shown' });
    return { id, message };
  };

  it('only the creator or a member with Manage Channels may press them; others are told so, privately, and nothing happens', async () => {
    const { id, message } = await failedCampaign('Guarded', 'scheduling');
    const refused = await rig.press(message(), 'Roll back', rig.playerId);
    expect(refused.body).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: {
        flags: 64,
        content: expect.stringContaining(`Only <@${rig.gmId}> (who created it) or a member with Manage Channels`),
      },
    });
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id } })).status).toBe('failed');
    expect(await prisma.outboxMessage.count()).toBe(1); // the first task only
  });

  it('Retry, pressed by a moderator, creates what is missing once and ends with the summary on the same message', async () => {
    const { id, message } = await failedCampaign('Second Try', 'session-notes');
    const before = await prisma.campaignStep.findMany({ where: { campaignId: id, status: 'created' } });
    expect(before.map((s) => s.name)).toEqual(['Second Try Members', 'Second Try', 'general', 'announcements']);
    const moderator = rig.discord.addMember(rig.guildId, undefined, [rig.modRoleId]);

    const retry = await rig.press(message(), 'Retry', moderator);
    // Answered at once by updating the message (type 7): running again, buttons gone.
    expect(retry.body).toMatchObject({
      type: InteractionResponseType.UpdateMessage,
      data: { content: expect.stringContaining('🏗️ Creating Campaign: Second Try'), components: [] },
    });
    const done = await rig.waitForCampaign(id, (c) => c.status === 'completed', 'completed after Retry');
    await waitFor(() => message().content.startsWith('✅ Campaign ready'), { what: 'the summary' });

    expect(rig.discord.roles(rig.guildId).filter((r) => r.name === 'Second Try Members')).toHaveLength(1);
    const channels = rig.discord.guildChannels(rig.guildId).filter((c) => c.parent_id === done.category.channelId);
    expect(channels.map((c) => c.name)).toHaveLength(10);
    expect(new Set(channels.map((c) => c.name)).size).toBe(10);
    expect(done.channels.every((c) => c.status === 'created' && c.error === null)).toBe(true);
    // The press brought a new interaction token: the progress after it went through that token.
    const edits = rig.discord.editsOf(message().id);
    expect(edits.map((e) => e.via)).toContain('callback');
    expect(edits.at(-1)!.via).toBe('webhook');
  });

  it('Roll back deletes exactly what the campaign recorded, in reverse order, a channel already gone counting as deleted', async () => {
    const { id, message } = await failedCampaign('Undo Me', 'scheduling');
    const steps = await prisma.campaignStep.findMany({
      where: { campaignId: id, status: 'created' },
      orderBy: { position: 'asc' },
    });
    const [role, category, general, announcements, notes] = steps.map((s) => s.discordId!);
    expect(steps).toHaveLength(5);
    // Someone deleted a campaign channel by hand, and added one of their own to the category.
    rig.discord.removeChannel(announcements);
    const theirs = rig.discord.addChannel(rig.guildId, { name: 'off-topic', parentId: category });

    const pressed = await rig.press(message(), 'Roll back', rig.gmId);
    expect(pressed.body).toMatchObject({
      type: InteractionResponseType.UpdateMessage,
      data: { content: expect.stringContaining('↩️ Rolling back campaign: Undo Me') },
    });
    const rolledBack = await rig.waitForCampaign(id, (c) => c.status === 'rolled_back', 'rolled back');
    await waitFor(() => message().content.startsWith('↩️ Campaign rolled back'), { what: 'the rollback shown' });

    const deletes = rig.discord.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deletes).toEqual([
      `/channels/${notes}`,
      `/channels/${announcements}`,
      `/channels/${general}`,
      `/channels/${category}`,
      `/guilds/${rig.guildId}/roles/${role}`,
    ]);
    expect(rig.discord.channel(theirs)).toMatchObject({
      name: 'off-topic',
      parent_id: null,
      type: ChannelType.GuildText,
    });
    expect(rig.discord.roles(rig.guildId).some((r) => r.id === role)).toBe(false);
    expect([
      rolledBack.role.status,
      rolledBack.category.status,
      ...rolledBack.channels.slice(0, 3).map((c) => c.status),
    ]).toEqual(Array(5).fill('deleted'));
    expect(message().content).toBe(
      '↩️ Campaign rolled back: Undo Me\n\nDeleted 3 channels, the category and the role.',
    );
    expect(message().components).toEqual([]);

    // A second press on a stale copy of the buttons changes nothing.
    const late = await rig.discord.sendInteraction(
      rig.discord.buttonInteraction({
        channelId: message().channel_id,
        messageId: message().id,
        customId: `campaign:retry:${id}`,
        userId: rig.gmId,
      }),
    );
    expect(late.body).toMatchObject({
      type: 4,
      data: { flags: 64, content: 'This campaign has been rolled back: nothing to retry.' },
    });
  });

  it('a press acts once: its signed request replayed within the 5 minutes does nothing, even after the campaign failed again', async () => {
    const { id, message } = await failedCampaign('Replayed', 'scheduling');
    // The Retry will fail again, on another channel: the campaign is back to failed, its buttons live.
    rig.discord.failNext({
      method: 'POST',
      path: /^\/guilds\/\d+\/channels$/,
      body: /"name":"lore"/,
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
    });
    const retry = rig.discord.buttonInteraction({
      channelId: message().channel_id,
      messageId: message().id,
      customId: `campaign:retry:${id}`,
      userId: rig.gmId,
    });
    const timestamp = Math.floor(Date.now() / 1000); // the captured request: same body, timestamp and signature
    expect((await rig.discord.sendInteraction(retry, { timestamp })).body).toMatchObject({
      type: InteractionResponseType.UpdateMessage,
    });
    const failedAgain = await rig.waitForCampaign(
      id,
      (c) => c.status === 'failed' && c.channels.some((ch) => ch.name === 'lore' && ch.status === 'failed'),
      'failed again',
    );
    const before = await prisma.campaign.findUniqueOrThrow({ where: { id } });
    const tasks = await prisma.outboxMessage.count();

    const replayed = await rig.discord.sendInteraction(retry, { timestamp });
    expect(replayed.body).toEqual({
      type: 4,
      data: {
        content: 'This button press was handled already; nothing more was done.',
        flags: 64,
        allowed_mentions: { parse: [] },
      },
    });
    const after = await prisma.campaign.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ status: 'failed', round: before.round, error: failedAgain.error });
    expect(await prisma.outboxMessage.count()).toBe(tasks);
  });

  it('a rollback Discord refuses stops with the reason and offers both buttons again', async () => {
    const { id, message } = await failedCampaign('Stuck', 'lore');
    rig.discord.setRolePermissions(rig.guildId, rig.botRoleId, CAMPAIGN_BOT_PERMISSIONS & ~P.ManageRoles);
    await rig.press(message(), 'Roll back', rig.gmId);
    const failed = await rig.waitForCampaign(id, (c) => c.status === 'failed', 'failed again');
    expect(failed.error).toMatch(
      /^Roll back stopped\. The bot lacks a permission it needs .*DELETE \/guilds\/:id\/roles\/:id$/,
    );
    expect(failed.channels.filter((c) => c.status === 'deleted')).toHaveLength(5);
    expect(failed.category.status).toBe('deleted');
    expect(failed.role.status).toBe('created');
    await waitFor(
      () =>
        message().content.startsWith('❌ Campaign failed') &&
        JSON.stringify(message().components).includes('Roll back'),
      { what: 'buttons offered again' },
    );
  });
});
