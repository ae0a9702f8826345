import { InteractionResponseType, OverwriteType, PermissionFlagsBits as P } from 'discord.js';
import { campaignRig, CampaignRig } from '../support/campaigns';
import { useTestInfra } from '../support/infra';

/**
 * Who may start campaigns, and how many at once: Manage Channels on the server (from the
 * member's roles, never a channel's overwrite), and at most CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD in
 * progress per server. No worker runs: campaigns stay in progress until a test settles them.
 */
describe('campaign channels: server-wide permission and the per-server quota', () => {
  const { sqs, prisma } = useTestInfra();
  let rig: CampaignRig;

  beforeEach(async () => {
    rig = await campaignRig(sqs, prisma);
  });
  afterEach(() => rig.close());

  const privately = (content: string | RegExp) => ({
    type: InteractionResponseType.ChannelMessageWithSource,
    data: {
      content: typeof content === 'string' ? content : expect.stringMatching(content),
      flags: 64,
      allowed_mentions: { parse: [] },
    },
  });
  const deferred = { type: InteractionResponseType.DeferredChannelMessageWithSource };

  it('needs Manage Channels on the server: an overwrite granting it in the channel is not enough; @everyone, the owner and Administrator count', async () => {
    await rig.startApi();
    const guild = rig.discord.guildList().find((g) => g.id === rig.guildId)!;
    // The player may manage this one channel (a member overwrite), nothing on the server.
    const theirs = rig.discord.addChannel(rig.guildId, {
      name: 'players-corner',
      permissionOverwrites: [
        { id: rig.playerId, type: OverwriteType.Member, allow: String(P.ManageChannels), deny: '0' },
      ],
    });
    const refused = await rig.addCampaign('Takeover', { as: rig.playerId, channelId: theirs });
    expect(refused.body).toEqual(
      privately('You need the Manage Channels permission on the server (not only in a channel) to create a campaign.'),
    );
    expect(await prisma.campaign.count()).toBe(0);
    expect(await prisma.outboxMessage.count()).toBe(0);

    // The owner, who has no role at all.
    expect((await rig.addCampaign('Owner’s', { as: guild.owner_id })).body).toEqual(deferred);
    // The GM, once their role has Administrator instead of Manage Channels.
    rig.discord.setRolePermissions(rig.guildId, rig.modRoleId, P.Administrator);
    expect((await rig.addCampaign('Admin’s')).body).toEqual(deferred);
    // Everyone, once @everyone (the role with the server's id) has it.
    rig.discord.setRolePermissions(rig.guildId, rig.guildId, P.ViewChannel | P.SendMessages | P.ManageChannels);
    expect((await rig.addCampaign('Everyone’s', { as: rig.playerId, channelId: theirs })).body).toEqual(deferred);
    expect(await prisma.campaign.count()).toBe(3);
  });

  it('does nothing when Discord cannot say what the member may do', async () => {
    await rig.startApi();
    rig.discord.failNext({ method: 'GET', path: /^\/guilds\/\d+$/, status: 502 });
    const unchecked = await rig.addCampaign('Blind');
    expect(unchecked.body).toEqual(
      privately(/^Your permissions on this server could not be checked with Discord just now; nothing was done/),
    );
    expect(await prisma.campaign.count()).toBe(0);
    expect((await rig.addCampaign('Blind')).body).toEqual(deferred);
  });

  it('refuses, privately, a campaign beyond the server’s quota (also when commands race), counts only those in progress, and leaves other servers alone', async () => {
    await rig.startApi({ CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD: '2' });
    const answers = await Promise.all(['One', 'Two', 'Three', 'Four'].map((name) => rig.addCampaign(name)));
    const quota = privately(
      'This server already has 2 campaigns in progress (the most at once): try again when one has finished.',
    );
    expect(
      answers.filter(
        (a) => a.status === 200 && a.body?.type === InteractionResponseType.DeferredChannelMessageWithSource,
      ),
    ).toHaveLength(2);
    expect(answers.filter((a) => JSON.stringify(a.body) === JSON.stringify(quota))).toHaveLength(2);
    expect(await prisma.campaign.count()).toBe(2);
    expect(await prisma.outboxMessage.count()).toBe(2);
    // The same interaction delivered again is still the first one's, not a new campaign over the quota.
    const accepted = answers.find((a) => a.body?.type === InteractionResponseType.DeferredChannelMessageWithSource)!;
    expect((await rig.discord.sendInteraction(accepted.interaction)).body).toEqual(deferred);

    // Another server has its own quota.
    const other = rig.discord.addGuild({ roles: [{ permissions: P.ManageChannels }] });
    const otherGm = rig.discord.addMember(other.id, undefined, [other.roleIds[0]]);
    const elsewhere = rig.discord.commandInteraction({
      guildId: other.id,
      channelId: rig.discord.addChannel(other.id),
      userId: otherGm,
      name: 'add-campaign',
      options: { name: 'Elsewhere' },
    });
    expect((await rig.discord.sendInteraction(elsewhere)).body).toEqual(deferred);

    // A finished campaign (completed, failed, rolled back) frees its place.
    const [first, second] = await prisma.campaign.findMany({
      where: { guildId: rig.guildId },
      orderBy: { createdAt: 'asc' },
    });
    await prisma.campaign.update({ where: { id: first.id }, data: { status: 'completed' } });
    expect((await rig.addCampaign('Five')).body).toEqual(deferred);
    expect((await rig.addCampaign('Six')).body).toEqual(quota);

    // Retry brings a failed campaign back into progress: it needs a place too (Roll back does not).
    await prisma.campaign.update({ where: { id: second.id }, data: { status: 'failed' } });
    expect((await rig.addCampaign('Seven')).body).toEqual(deferred);
    const message = rig.discord.originalResponse(
      answers.find((a) => a.interaction.id === second.interactionId)!.interaction,
    )!;
    const press = (action: 'retry' | 'rollback') =>
      rig.discord.sendInteraction(
        rig.discord.buttonInteraction({
          channelId: message.channel_id,
          messageId: message.id,
          customId: `campaign:${action}:${second.id}`,
          userId: rig.gmId,
        }),
      );
    expect((await press('retry')).body).toEqual(quota);
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('failed');
    expect((await press('rollback')).body).toMatchObject({ type: InteractionResponseType.UpdateMessage });
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('rolling_back');
  });
});
