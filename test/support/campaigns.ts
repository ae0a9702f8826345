import { SQSClient } from '@aws-sdk/client-sqs';
import { INestApplication } from '@nestjs/common';
import { PermissionFlagsBits } from 'discord.js';
import { QueueName } from '@discord-backbone/contracts';
import {
  CAMPAIGN_BOT_PERMISSIONS,
  FakeDiscord,
  FakeInteraction,
  FakeMessage,
  InteractionDelivery,
  startFakeDiscord,
} from '@discord-backbone/discord-standin';
import { PrismaClient } from '@discord-backbone/prisma';
import { http } from './http';
import { createSystemQueue, QueuePair, queueSettings, waitFor } from './sqs';
import { startApi, startWorker } from './worker';

/** A campaign as GET /campaigns/:id shows it: what the tests read. */
export interface CampaignView {
  id: string;
  name: string;
  status: 'running' | 'completed' | 'failed' | 'rolling_back' | 'rolled_back';
  error: string | null;
  progressVia: string;
  role: { name: string; status: string; roleId: string | null; error: string | null };
  category: { name: string; status: string; channelId: string | null; error: string | null };
  channels: {
    current: number;
    name: string;
    type: string;
    gmOnly: boolean;
    status: string;
    channelId: string | null;
    error: string | null;
  }[];
}

/**
 * Campaign channels on real queues: the API app as Discord's interactions endpoint, the campaign
 * worker, and the fake Discord playing both Discord's REST API and its side of interactions. The
 * guild has a GM (Manage Channels, through a role) who runs the commands and a player who may not.
 */
export interface CampaignRig {
  queue: QueuePair;
  discord: FakeDiscord;
  guildId: string;
  /** Where the commands are used. */
  channelId: string;
  gmId: string;
  playerId: string;
  /** The bot's role, and the role that gives Manage Channels (the GM has it). */
  botRoleId: string;
  modRoleId: string;
  api?: { app: INestApplication; url: string };
  worker?: INestApplication;
  startApi(overrides?: Record<string, string>): Promise<{ app: INestApplication; url: string }>;
  startWorker(overrides?: Record<string, string>): Promise<INestApplication>;
  /** `/add-campaign name:<name>` by the GM (or `as`), signed and delivered by the fake Discord. */
  addCampaign(
    name: string,
    options?: { template?: string; as?: string; channelId?: string },
  ): Promise<InteractionDelivery>;
  /** The campaign recorded for an interaction. */
  campaignOf(interaction: FakeInteraction): Promise<{ id: string }>;
  /** Polls GET /campaigns/:id until `until` holds. */
  waitForCampaign(id: string, until: (view: CampaignView) => boolean, what: string): Promise<CampaignView>;
  /** Presses a button of a message, as `userId`. */
  press(message: FakeMessage, label: 'Retry' | 'Roll back', userId: string): Promise<InteractionDelivery>;
  close(): Promise<void>;
}

export async function campaignRig(
  sqs: SQSClient,
  prisma: PrismaClient,
  options: { community?: boolean; botPermissions?: bigint } = {},
): Promise<CampaignRig> {
  // Redrive as in production (the queue table's): above the worker's attempt limit.
  const queue = await createSystemQueue(sqs, QueueName.CAMPAIGN);
  const discord = await startFakeDiscord();
  const guild = discord.addGuild({
    community: options.community,
    botPermissions: options.botPermissions ?? CAMPAIGN_BOT_PERMISSIONS,
    roles: [{ permissions: PermissionFlagsBits.ManageChannels }],
  });
  const channelId = discord.addChannel(guild.id, { name: 'bot-commands' });
  const gmId = discord.addMember(guild.id, undefined, [guild.roleIds[0]]);
  const playerId = discord.addMember(guild.id);
  const apps: INestApplication[] = [];
  const rig: CampaignRig = {
    queue,
    discord,
    guildId: guild.id,
    channelId,
    gmId,
    playerId,
    botRoleId: guild.botRoleId,
    modRoleId: guild.roleIds[0],
    async startApi(overrides = {}) {
      const api = await startApi({
        DISCORD_PUBLIC_KEY: discord.publicKey,
        // /add-campaign and the buttons read the server's roles from Discord.
        DISCORD_BOT_TOKEN: discord.token,
        DISCORD_API_BASE_URL: discord.apiUrl,
        ...queueSettings(QueueName.CAMPAIGN, { queueUrl: queue.queueUrl }),
        OUTBOX_POLL_INTERVAL_MS: '50',
        ...overrides,
      });
      discord.interactionsUrl = `${api.url}/interactions`;
      apps.push(api.app);
      rig.api = api;
      return api;
    },
    async startWorker(overrides = {}) {
      const worker = await startWorker(queue, {
        WORKER_CONSUMERS: 'campaign',
        ...queueSettings(QueueName.CAMPAIGN, {
          queueUrl: queue.queueUrl,
          deadLetterQueueUrl: queue.dlqUrl,
          waitTimeSeconds: '1',
          retryBaseDelaySeconds: '1',
        }),
        DISCORD_BOT_TOKEN: discord.token,
        DISCORD_API_BASE_URL: discord.apiUrl,
        DISCORD_REQUEST_TIMEOUT_MS: '3000',
        ...overrides,
      });
      apps.push(worker);
      rig.worker = worker;
      return worker;
    },
    addCampaign(name, { template, as, channelId: where } = {}) {
      const interaction = discord.commandInteraction({
        guildId: guild.id,
        channelId: where ?? channelId,
        userId: as ?? gmId,
        name: 'add-campaign',
        options: { name, ...(template ? { template } : {}) },
      });
      return discord.sendInteraction(interaction);
    },
    campaignOf(interaction) {
      return waitFor(
        async () =>
          (await prisma.campaign.findUnique({ where: { interactionId: interaction.id }, select: { id: true } })) ??
          undefined,
        {
          what: `campaign of interaction ${interaction.id}`,
        },
      );
    },
    waitForCampaign(id, until, what) {
      return waitFor(
        async () => {
          const { body } = await http<CampaignView>(rig.api!.url, 'GET', `/campaigns/${id}`);
          return until(body) ? body : undefined;
        },
        { what: `campaign ${what}`, timeoutMs: 30000 },
      );
    },
    press(message, label, userId) {
      const rows = (message.components ?? []) as { components: { label: string; custom_id: string }[] }[];
      const button = rows.flatMap((row) => row.components).find((b) => b.label === label);
      if (!button)
        throw new Error(`No ${label} button on message ${message.id}: ${JSON.stringify(message.components)}`);
      return discord.sendInteraction(
        discord.buttonInteraction({
          channelId: message.channel_id,
          messageId: message.id,
          customId: button.custom_id,
          userId,
        }),
      );
    },
    async close() {
      for (const app of apps.reverse()) await app.close();
      await discord.close();
    },
  };
  return rig;
}
