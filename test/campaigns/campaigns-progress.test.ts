import { OverwriteType, PermissionFlagsBits as P } from 'discord.js';
import { DiscordRestClient } from '@discord-backbone/discord';
import { FakeInteraction } from '@discord-backbone/discord-standin';
import { PrismaService } from '@discord-backbone/prisma';
import { ProgressDelivery } from '../../libs/campaigns/src/worker/progress.delivery';
import { ProgressReporter } from '../../libs/campaigns/src/worker/progress.reporter';
import { campaignRig, CampaignRig } from '../support/campaigns';
import { useTestInfra } from '../support/infra';
import { waitFor } from '../support/sqs';

/**
 * The progress message outlives the 15-minute interaction token: the token's lifetime is
 * shortened (CAMPAIGN_TOKEN_LIFETIME_SECONDS, or the fake Discord's own), and Discord answers
 * slowly enough (a fixed latency per call) that the campaign outlasts it.
 */
describe('campaign progress after the interaction token', () => {
  const { sqs, prisma } = useTestInfra();
  let rig: CampaignRig;

  beforeEach(async () => {
    rig = await campaignRig(sqs, prisma);
  });
  afterEach(() => rig.close());

  const webhookPatches = () =>
    rig.discord.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith('/webhooks/'));
  const completed = async (interaction: FakeInteraction) => {
    const { id } = await rig.campaignOf(interaction);
    await rig.waitForCampaign(id, (c) => c.status === 'completed', 'completed');
    await waitFor(async () => (await prisma.campaign.findUniqueOrThrow({ where: { id } })).finalRenderedAt, {
      what: 'the summary shown',
    });
    return prisma.campaign.findUniqueOrThrow({ where: { id } });
  };

  it('edits the same message with the bot token once the token’s lifetime is over, and never uses the token again', async () => {
    await rig.startApi({ CAMPAIGN_TOKEN_LIFETIME_SECONDS: '2' });
    await rig.startWorker();
    rig.discord.latencyMs = 150;
    const { interaction } = await rig.addCampaign('Long Haul');
    const campaign = await completed(interaction);

    const original = rig.discord.originalResponse(interaction)!;
    const edits = rig.discord.editsOf(original.id);
    const firstBot = edits.findIndex((e) => e.via === 'bot');
    expect(firstBot).toBeGreaterThan(0);
    expect(edits.slice(0, firstBot).every((e) => e.via === 'webhook')).toBe(true);
    expect(edits.slice(firstBot).every((e) => e.via === 'bot')).toBe(true);
    expect(original.content.startsWith('✅ Campaign ready: Long Haul')).toBe(true);
    // Every webhook call succeeded: the token was dropped before Discord could refuse it.
    expect(webhookPatches()).toHaveLength(firstBot);
    expect(campaign.progressVia).toBe('bot');
    expect(await prisma.campaignInteractionToken.count()).toBe(0);
  });

  it('moves to the bot token at Discord’s first refusal of the token (401 Invalid Webhook Token) and does not try it again', async () => {
    await rig.startApi(); // the app would use the token for 14 minutes…
    await rig.startWorker();
    rig.discord.interactionTokenLifetimeMs = 1500; // …but Discord lets it expire sooner
    rig.discord.latencyMs = 150;
    const { interaction } = await rig.addCampaign('Cut Short');
    const campaign = await completed(interaction);

    const edits = rig.discord.editsOf(rig.discord.originalResponse(interaction)!.id);
    const viaWebhook = edits.filter((e) => e.via === 'webhook').length;
    expect(viaWebhook).toBeGreaterThan(0);
    expect(webhookPatches()).toHaveLength(viaWebhook + 1); // exactly one refused call
    expect(edits.at(-1)).toMatchObject({ via: 'bot', content: expect.stringMatching(/^✅ Campaign ready: Cut Short/) });
    expect(campaign.progressVia).toBe('bot');
    expect(await prisma.campaignInteractionToken.count()).toBe(0);
  });

  it('posts, then edits, a status message in the campaign’s first text channel when the bot may not edit the original', async () => {
    // The command is used in a channel the bot cannot see: only the token could edit its answer there.
    const hidden = rig.discord.addChannel(rig.guildId, {
      name: 'gm-lounge',
      permissionOverwrites: [{ id: rig.botRoleId, type: OverwriteType.Role, allow: '0', deny: String(P.ViewChannel) }],
    });
    await rig.startApi({ CAMPAIGN_TOKEN_LIFETIME_SECONDS: '2' });
    await rig.startWorker();
    rig.discord.latencyMs = 150;
    const { interaction } = await rig.addCampaign('Elsewhere', { channelId: hidden });
    const campaign = await completed(interaction);

    const general = (
      await prisma.campaignStep.findFirstOrThrow({ where: { campaignId: campaign.id, name: 'general' } })
    ).discordId!;
    expect(campaign).toMatchObject({ progressVia: 'channel', statusChannelId: general });
    const [status] = rig.discord.messages(general);
    expect(rig.discord.messages(general)).toHaveLength(1);
    expect(status).toMatchObject({ id: campaign.statusMessageId, author: { id: rig.discord.botUserId } });
    expect(status.content.startsWith('✅ Campaign ready: Elsewhere')).toBe(true);
    expect(rig.discord.editsOf(status.id).every((e) => e.via === 'bot')).toBe(true);
    // The original was edited through the token while it lasted, and once refused to the bot (403 Missing Access).
    const original = rig.discord.originalResponse(interaction)!;
    expect(rig.discord.editsOf(original.id).every((e) => e.via === 'webhook')).toBe(true);
    expect(
      rig.discord.requests.filter(
        (r) => r.method === 'PATCH' && r.path === `/channels/${hidden}/messages/${original.id}`,
      ),
    ).toHaveLength(1);
  });

  it('puts the summary back when an older edit (another worker’s, answered late) reaches Discord after it: the final render wins', async () => {
    const { app } = await rig.startApi();
    const { interaction } = await rig.addCampaign('Late Edit', { template: 'one-shot' });
    const { id } = await rig.campaignOf(interaction);
    // A second worker's reporter renders the campaign before anything exists; Discord sits on that edit.
    const replica = new ProgressReporter(
      app.get(PrismaService),
      new ProgressDelivery(app.get(PrismaService), app.get(DiscordRestClient)),
    );
    const release = rig.discord.holdNext({ method: 'PATCH', path: /^\/webhooks\// });
    replica.request(id);
    await waitFor(() => webhookPatches().length === 1, { what: 'the replica’s edit on its way' });

    await rig.startWorker();
    const message = () => rig.discord.originalResponse(interaction)!;
    await completed(interaction);
    expect(message().content.startsWith('✅ Campaign ready: Late Edit')).toBe(true);
    const summaries = rig.discord.editsOf(message().id).length;

    release(); // the old edit lands now, over the summary
    await waitFor(() => rig.discord.editsOf(message().id).length > summaries, { what: 'the late edit applied' });
    expect(rig.discord.editsOf(message().id)[summaries].content).toMatch(/^🏗️ Creating Campaign: Late Edit/);
    await waitFor(() => message().content.startsWith('✅ Campaign ready: Late Edit'), {
      what: 'the summary back on the message',
      timeoutMs: 10000,
    });
    await replica.beforeApplicationShutdown();
    const edits = rig.discord.editsOf(message().id).slice(summaries);
    expect(edits.map((e) => e.content.split('\n')[0])).toEqual([
      '🏗️ Creating Campaign: Late Edit',
      '✅ Campaign ready: Late Edit',
    ]);
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id } })).finalRenderedAt).not.toBeNull();
  });

  it('goes straight to the status message when the token expired before the worker ever saw the campaign', async () => {
    await rig.startApi({ CAMPAIGN_TOKEN_LIFETIME_SECONDS: '1' });
    const { interaction } = await rig.addCampaign('Late Start');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the worker was down for longer than the token lived
    await rig.startWorker();
    const campaign = await completed(interaction);

    expect(webhookPatches()).toHaveLength(0);
    expect(campaign.progressVia).toBe('channel');
    expect(rig.discord.messages(campaign.statusChannelId!).map((m) => m.content.split('\n')[0])).toEqual([
      '✅ Campaign ready: Late Start',
    ]);
  });
});
