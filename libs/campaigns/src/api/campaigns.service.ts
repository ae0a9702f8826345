import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ChannelType } from 'discord.js';
import {
  CampaignProgressVia,
  CampaignStatus,
  CampaignStepKind,
  CampaignStepStatus,
  PrismaService,
  PrismaTx,
} from '@discord-backbone/prisma';
import { nextTasks, rollbackTask } from '../campaign-tasks';
import { CampaignTemplate } from '../campaign-templates';
import {
  CampaignState,
  CATEGORY_POSITION,
  FIRST_CHANNEL_POSITION,
  loadCampaign,
  ROLE_POSITION,
  roleNameFor,
} from '../campaign.state';
import { CampaignButtonAction } from '../campaign.view';
import { CampaignTaskProducer } from './campaign-task.producer';
import { CAMPAIGNS_API_OPTIONS, CampaignsApiOptions } from './campaigns-api.options';

export interface NewCampaign {
  interactionId: string;
  applicationId: string;
  guildId: string;
  /** Where the command was used: the deferred answer (the progress message) is posted there. */
  channelId: string;
  invokerId: string;
  name: string;
  template: CampaignTemplate;
  interactionToken: string;
}

/** The press (its interaction id), the message its button is on, and the new interaction token that comes with it. */
export interface ButtonPress {
  interactionId: string;
  guildId: string;
  channelId: string;
  messageId: string;
  interactionToken: string;
}

/** `duplicate`: Discord delivered this interaction before (answered as the first time); `over-quota`: the server has too many campaigns in progress. */
export type CreateOutcome = 'created' | 'duplicate' | 'over-quota';

/**
 * `replayed`: this very press was handled before (a replay of its signed request); `not-failed`:
 * the campaign is not failed (any more); `over-quota`: a Retry while the server has too many
 * campaigns in progress.
 */
export type ActOutcome =
  { outcome: 'done'; state: CampaignState } | { outcome: 'replayed' | 'not-failed' | 'over-quota' };

/** Campaigns in these states are in progress: they count towards CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD. */
const IN_PROGRESS: CampaignStatus[] = [CampaignStatus.running, CampaignStatus.rolling_back];
/** Presses are remembered well beyond the 5 minutes a signed request is accepted. */
const PRESS_MEMORY_MINUTES = 15;

/**
 * The API side's changes to campaigns, each one transaction with the tasks it queues (through
 * the outbox): nothing here calls Discord, so the interaction is answered in milliseconds.
 */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly producer: CampaignTaskProducer,
    @Inject(CAMPAIGNS_API_OPTIONS) private readonly options: CampaignsApiOptions,
  ) {}

  /**
   * The campaign (unique by interaction id), one row per step, the interaction token with its
   * expiry, and the first task. Nothing new is recorded when Discord delivered this interaction
   * before, or when the server already has its quota of campaigns in progress (counted under a
   * lock per server, so concurrent commands on several API replicas cannot all slip in).
   */
  create(campaign: NewCampaign): Promise<CreateOutcome> {
    return this.prisma.$transaction(async (tx) => {
      await lockGuild(tx, campaign.guildId);
      if (await tx.campaign.findUnique({ where: { interactionId: campaign.interactionId }, select: { id: true } }))
        return 'duplicate';
      if (await this.atQuota(tx, campaign.guildId)) return 'over-quota';
      const id = randomUUID();
      const { count } = await tx.campaign.createMany({
        data: [
          {
            id,
            interactionId: campaign.interactionId,
            applicationId: campaign.applicationId,
            guildId: campaign.guildId,
            invokerId: campaign.invokerId,
            name: campaign.name,
            template: campaign.template.id,
            progressChannelId: campaign.channelId,
          },
        ],
        skipDuplicates: true,
      });
      if (count === 0) return 'duplicate';
      await tx.campaignStep.createMany({ data: stepsOf(id, campaign.name, campaign.template) });
      await this.keepToken(tx, id, campaign.interactionToken);
      await this.producer.stage(tx, nextTasks(await this.state(tx, id)));
      return 'created';
    });
  }

  /**
   * Retry (queue what is missing) or roll back (queue the deletion) a failed campaign. The press's
   * message becomes the progress message and its token the one to edit it with. Each press acts
   * at most once: its interaction id is recorded with what it did, so a replay of its signed
   * request (valid for 5 minutes) finds it and does nothing, on any API replica. A Retry counts
   * towards the server's quota; a Roll back always may run.
   */
  act(action: CampaignButtonAction, campaignId: string, press: ButtonPress): Promise<ActOutcome> {
    return this.prisma.$transaction(async (tx): Promise<ActOutcome> => {
      await tx.campaignButtonPress.deleteMany({
        where: { pressedAt: { lt: new Date(Date.now() - PRESS_MEMORY_MINUTES * 60_000) } },
      });
      const pressed = await tx.campaignButtonPress.createMany({
        data: [{ interactionId: press.interactionId, campaignId }],
        skipDuplicates: true,
      });
      if (pressed.count === 0) return { outcome: 'replayed' };
      if (action === 'retry') {
        await lockGuild(tx, press.guildId);
        if (await this.atQuota(tx, press.guildId)) return { outcome: 'over-quota' };
      }
      const { count } = await tx.campaign.updateMany({
        where: { id: campaignId, status: CampaignStatus.failed },
        data: {
          status: action === 'retry' ? CampaignStatus.running : CampaignStatus.rolling_back,
          error: null,
          round: { increment: 1 },
          progressVia: CampaignProgressVia.interaction,
          progressChannelId: press.channelId,
          progressMessageId: press.messageId,
          // The button's answer (type 7) is this second's edit.
          progressEditedAt: new Date(),
          finalRenderedAt: null,
          finishedAt: null,
          rateLimitedUntil: null,
        },
      });
      if (count === 0) return { outcome: 'not-failed' };
      if (action === 'retry') {
        // Every attempt so far is forgotten: what one may have left on Discord is never looked for, let alone taken.
        await tx.campaignStep.updateMany({
          where: { campaignId, status: { in: [CampaignStepStatus.failed, CampaignStepStatus.pending] } },
          data: { status: CampaignStepStatus.pending, attemptedAt: null, error: null },
        });
        // Deleted by a rollback that then stopped: they are gone from Discord, so created afresh.
        await tx.campaignStep.updateMany({
          where: { campaignId, status: CampaignStepStatus.deleted },
          data: { status: CampaignStepStatus.pending, discordId: null, attemptedAt: null, doneAt: null, error: null },
        });
      }
      await this.keepToken(tx, campaignId, press.interactionToken);
      const state = await this.state(tx, campaignId);
      await this.producer.stage(tx, action === 'retry' ? nextTasks(state) : [rollbackTask(state)]);
      return { outcome: 'done', state };
    });
  }

  private async atQuota(tx: PrismaTx, guildId: string): Promise<boolean> {
    const inProgress = await tx.campaign.count({ where: { guildId, status: { in: IN_PROGRESS } } });
    return inProgress >= this.options.maxInProgressPerGuild;
  }

  private async keepToken(tx: PrismaTx, campaignId: string, token: string): Promise<void> {
    const expiresAt = new Date(Date.now() + this.options.tokenLifetimeSeconds * 1000);
    await tx.campaignInteractionToken.upsert({
      where: { campaignId },
      create: { campaignId, token, expiresAt },
      update: { token, expiresAt },
    });
  }

  private async state(tx: PrismaTx, id: string): Promise<CampaignState> {
    const state = await loadCampaign(tx, id);
    if (!state) throw new Error(`Campaign ${id} vanished inside its own transaction`);
    return state;
  }
}

/** Serialises, until the transaction ends, what counts a server's campaigns in progress and adds to them. */
async function lockGuild(tx: PrismaTx, guildId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`campaigns:${guildId}`}))`;
}

/** The role, the category (named after the campaign), then the template's channels. */
function stepsOf(campaignId: string, name: string, template: CampaignTemplate) {
  return [
    { campaignId, position: ROLE_POSITION, kind: CampaignStepKind.role, name: roleNameFor(name) },
    {
      campaignId,
      position: CATEGORY_POSITION,
      kind: CampaignStepKind.category,
      name,
      channelType: ChannelType.GuildCategory,
    },
    ...template.channels.map((channel, index) => ({
      campaignId,
      position: FIRST_CHANNEL_POSITION + index,
      kind: CampaignStepKind.channel,
      name: channel.name,
      channelType: channel.type,
      gmOnly: channel.gm_only,
      description: channel.description,
    })),
  ];
}
