import {
  SendMessageBatchCommand,
  SendMessageBatchCommandInput,
  SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PermissionFlagsBits as P } from 'discord.js';
import { MessageAttribute } from '@discord-backbone/contracts';
import { CAMPAIGN_BOT_PERMISSIONS } from '@discord-backbone/discord-standin';
import { SQS_CLIENT } from '@discord-backbone/queue';
import { recordVisibilityChanges } from '../support/bot-operations';
import { campaignRig, CampaignRig } from '../support/campaigns';
import { useTestInfra } from '../support/infra';
import { drainQueue, waitFor } from '../support/sqs';

const channelPosts = (rig: CampaignRig, name?: string) =>
  rig.discord.requests.filter(
    (r) =>
      r.method === 'POST' &&
      /^\/guilds\/\d+\/channels$/.test(r.path) &&
      (name === undefined || (r.body as { name: string }).name === name),
  );

describe('campaign channels when things go wrong', () => {
  const { sqs, prisma } = useTestInfra();
  let rig: CampaignRig;

  afterEach(() => rig.close());

  describe('in a server where the bot may do everything', () => {
    beforeEach(async () => {
      rig = await campaignRig(sqs, prisma);
    });

    it('never creates a second role or channel when the answer to a create is lost (a worker dying between create and record)', async () => {
      await rig.startApi();
      await rig.startWorker({ DISCORD_REQUEST_TIMEOUT_MS: '500' });
      rig.discord.loseNextAnswer({ method: 'POST', path: /^\/guilds\/\d+\/roles$/ });
      rig.discord.loseNextAnswer({ method: 'POST', path: /^\/guilds\/\d+\/channels$/, body: /"name":"Lost Answers"/ });
      rig.discord.loseNextAnswer({ method: 'POST', path: /^\/guilds\/\d+\/channels$/, body: /"name":"session-notes"/ });

      const { interaction } = await rig.addCampaign('Lost Answers');
      const { id } = await rig.campaignOf(interaction);
      const done = await rig.waitForCampaign(id, (c) => c.status === 'completed', 'completed');

      // Discord created each once; the retry found them (made since the attempt, with this code's
      // fingerprint) instead of creating them again.
      const roles = rig.discord.roles(rig.guildId).filter((r) => r.name === 'Lost Answers Members');
      expect(roles).toHaveLength(1);
      expect(done.role.roleId).toBe(roles[0].id);
      expect(rig.discord.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/roles'))).toHaveLength(1);
      const categories = rig.discord.guildChannels(rig.guildId).filter((c) => c.name === 'Lost Answers');
      expect(categories).toHaveLength(1);
      expect(done.category.channelId).toBe(categories[0].id);
      expect(channelPosts(rig, 'Lost Answers')).toHaveLength(1);
      const notes = rig.discord.guildChannels(rig.guildId).filter((c) => c.name === 'session-notes');
      expect(notes).toHaveLength(1);
      expect(done.channels.find((c) => c.name === 'session-notes')!.channelId).toBe(notes[0].id);
      expect(channelPosts(rig, 'session-notes')).toHaveLength(1);
      expect(
        rig.discord.guildChannels(rig.guildId).filter((c) => c.parent_id === done.category.channelId),
      ).toHaveLength(10);
      expect(await prisma.messageAttempt.count()).toBe(0);
    });

    it('creates each channel once and posts one summary when tasks arrive duplicated and out of order', async () => {
      await rig.startApi();
      const worker = await rig.startWorker();
      // The category's step queues the channel tasks and the completion: hold them back, then
      // deliver them ourselves — completion first, channels last to first, then all of them again.
      const held: SendMessageBatchRequestEntry[] = [];
      worker.get<SQSClient>(SQS_CLIENT).middlewareStack.add(
        (next, context) => async (args) => {
          const entries = (args.input as SendMessageBatchCommandInput).Entries ?? [];
          if (
            context.commandName !== 'SendMessageBatchCommand' ||
            !entries.some((e) => /"task_type":"(create_channel|complete)"/.test(e.MessageBody ?? ''))
          )
            return next(args);
          held.push(...entries);
          return {
            output: {
              Successful: entries.map((e) => ({ Id: e.Id!, MessageId: 'held', MD5OfMessageBody: '' })),
              Failed: [],
              $metadata: {},
            },
            response: {},
          };
        },
        { step: 'initialize', name: 'holdCampaignTasks' },
      );

      const { interaction } = await rig.addCampaign('Shuffled');
      const { id } = await rig.campaignOf(interaction);
      await waitFor(() => held.length === 11, { what: 'the channel tasks and the completion' });
      const complete = held.filter((e) => e.MessageBody!.includes('"complete"'));
      const channels = held.filter((e) => e.MessageBody!.includes('"create_channel"')).reverse();
      const again = [...channels].sort(() => Math.random() - 0.5);
      const order = [...complete, ...channels, ...complete, ...again];
      for (let i = 0; i < order.length; i += 10) {
        const batch = order
          .slice(i, i + 10)
          .map((e, j) => ({ ...e, Id: String(j), MessageDeduplicationId: `${e.MessageDeduplicationId}:${i + j}` }));
        await sqs.send(new SendMessageBatchCommand({ QueueUrl: rig.queue.queueUrl, Entries: batch }));
      }

      const done = await rig.waitForCampaign(id, (c) => c.status === 'completed', 'completed');
      await waitFor(
        async () =>
          (await drainQueue(sqs, rig.queue.queueUrl)).length === 0 &&
          (await prisma.campaign.findUniqueOrThrow({ where: { id } })).finalRenderedAt,
        { what: 'every task handled' },
      );
      await new Promise((resolve) => setTimeout(resolve, 1500)); // any late edit would land by now
      expect(channelPosts(rig)).toHaveLength(11); // the category and ten channels, once each
      expect(done.channels.map((c) => c.status)).toEqual(Array(10).fill('created'));
      const original = rig.discord.originalResponse(interaction)!;
      expect(rig.discord.editsOf(original.id).filter((e) => e.content.startsWith('✅ Campaign ready'))).toHaveLength(1);
      expect(original.content.startsWith('✅ Campaign ready')).toBe(true);
    });

    it('waits out a 429 with a long retry-after on the queue, without using up an attempt, and says so in the progress message', async () => {
      await rig.startApi();
      const worker = await rig.startWorker({ CAMPAIGN_MAX_ATTEMPTS: '1', SQS_VISIBILITY_TIMEOUT: '5' });
      const visibility = recordVisibilityChanges(worker);
      rig.discord.failNext({
        method: 'POST',
        path: /^\/guilds\/\d+\/channels$/,
        body: /"name":"general"/,
        status: 429,
        retryAfterSeconds: 8,
      });

      const started = Date.now();
      const { interaction } = await rig.addCampaign('Patient');
      const { id } = await rig.campaignOf(interaction);
      const original = () => rig.discord.originalResponse(interaction)!;
      await waitFor(
        () => rig.discord.editsOf(original().id).some((e) => /continuing in about [5-8] s/.test(e.content)),
        { what: 'the wait shown' },
      );
      expect(await prisma.messageAttempt.count()).toBe(0);

      await rig.waitForCampaign(id, (c) => c.status === 'completed', 'completed');
      expect(Date.now() - started).toBeGreaterThanOrEqual(8000);
      // Handed back for Discord's retry-after (longer than the visibility timeout), not retried at once.
      expect(visibility.map((v) => v.seconds)).toContain(8);
      expect(channelPosts(rig, 'general')).toHaveLength(2);
      expect(rig.discord.guildChannels(rig.guildId).filter((c) => c.name === 'general')).toHaveLength(1);
      expect(await prisma.messageAttempt.count()).toBe(0);
    }, 60000);
  });

  it('fails the campaign when the bot lacks a permission: the reason in the progress message with Retry and Roll back, the task in the DLQ', async () => {
    rig = await campaignRig(sqs, prisma, { botPermissions: CAMPAIGN_BOT_PERMISSIONS & ~P.ManageChannels });
    await rig.startApi();
    await rig.startWorker();
    const { interaction } = await rig.addCampaign('Forbidden');
    const { id } = await rig.campaignOf(interaction);

    const failed = await rig.waitForCampaign(id, (c) => c.status === 'failed', 'failed');
    expect(failed.error).toMatch(
      /^The bot lacks a permission it needs \(Manage Roles, Manage Channels.*\): Discord 403 Missing Permissions \(code 50013\) on POST \/guilds\/:id\/channels$/,
    );
    expect(failed.role.status).toBe('created');
    expect(failed.category).toMatchObject({ status: 'failed', error: failed.error });
    expect(failed.channels.every((c) => c.status === 'pending')).toBe(true);

    const [dead] = await waitFor(
      async () => {
        const messages = await drainQueue(sqs, rig.queue.dlqUrl);
        return messages.length > 0 ? messages : undefined;
      },
      { what: 'DLQ entry' },
    );
    expect(JSON.parse(dead.Body!)).toMatchObject({ task_type: 'create_category', campaign_id: id });
    expect(dead.MessageAttributes?.[MessageAttribute.ERROR_CLASS]?.StringValue).toBe('DiscordMissingPermissionsError');
    expect(dead.MessageAttributes?.[MessageAttribute.ERROR_MESSAGE]?.StringValue).toContain('50013');

    const message = await waitFor(
      () => {
        const m = rig.discord.originalResponse(interaction);
        return m?.content.startsWith('❌ Campaign failed') ? m : undefined;
      },
      { what: 'the failure shown' },
    );
    expect(message.content).toContain('Reason: The bot lacks a permission it needs');
    expect(message.content).toContain('Created so far: the role.');
    expect(JSON.stringify(message.components)).toMatch(/"label":"Retry".*"label":"Roll back"/);
    expect(channelPosts(rig)).toHaveLength(1);
    expect(await prisma.messageAttempt.count()).toBe(0);
  });

  it('fails at once, with the reason and before creating anything, when the server has no room for the campaign', async () => {
    rig = await campaignRig(sqs, prisma);
    for (let i = rig.discord.guildChannels(rig.guildId).length; i < 495; i++) rig.discord.addChannel(rig.guildId);
    await rig.startApi();
    await rig.startWorker();
    const { interaction } = await rig.addCampaign('Too Big');
    const { id } = await rig.campaignOf(interaction);
    const failed = await rig.waitForCampaign(id, (c) => c.status === 'failed', 'failed');
    expect(failed.error).toBe(
      'This server has 495 of its 500 channels; the campaign needs 11 more. Make room, then press Retry.',
    );
    await waitFor(() => rig.discord.originalResponse(interaction)?.content.includes('495 of its 500 channels'), {
      what: 'the reason shown',
    });
    expect(rig.discord.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(await drainQueue(sqs, rig.queue.dlqUrl)).toEqual([]); // not a failed message: an answer
  });
});
