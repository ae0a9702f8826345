import { Injectable } from '@nestjs/common';
import { ChannelType } from 'discord.js';
import { CampaignStatus, CampaignStepStatus, PrismaService } from '@discord-backbone/prisma';
import { NotFoundError } from '@discord-backbone/queue';
import { CampaignState, loadCampaign } from '../campaign.state';

/**
 * The worker's writes to a campaign, each a single guarded statement: a step is recorded as it
 * happens on Discord, and status changes only move forward from the state they expect.
 */
@Injectable()
export class CampaignStore {
  constructor(private readonly prisma: PrismaService) {}

  /** The campaign, or a permanent error: a task for a campaign that does not exist can never succeed. */
  async require(id: string): Promise<CampaignState> {
    const campaign = await loadCampaign(this.prisma, id);
    if (!campaign) throw new NotFoundError(`Campaign ${id} not found`);
    return campaign;
  }

  /**
   * Written before the create call: from now on the object may exist on Discord without its id
   * here. The first unsettled attempt's time is kept: an object found later must be newer than it.
   */
  async markAttempted(campaignId: string, position: number): Promise<void> {
    // The database's clock, not this worker's: adoption compares it with Discord's snowflake times, and a worker's clock may run fast.
    // (attempted_at is a timestamp in UTC, as Prisma writes them.)
    await this.prisma.$executeRaw`
      UPDATE campaign_steps SET attempted_at = now() AT TIME ZONE 'UTC'
      WHERE campaign_id = ${campaignId} AND position = ${position} AND attempted_at IS NULL`;
  }

  /** The create call is known to have made nothing (Discord refused it, or it was never sent): nothing to look for. */
  async clearAttempted(campaignId: string, position: number): Promise<void> {
    await this.prisma.campaignStep.update({
      where: { campaignId_position: { campaignId, position } },
      data: { attemptedAt: null },
    });
  }

  async markCreated(campaignId: string, position: number, discordId: string): Promise<void> {
    await this.prisma.campaignStep.update({
      where: { campaignId_position: { campaignId, position } },
      data: {
        status: CampaignStepStatus.created,
        discordId,
        doneAt: new Date(),
        error: null,
        campaign: { update: { rateLimitedUntil: null } },
      },
    });
  }

  async markDeleted(campaignId: string, position: number): Promise<void> {
    await this.prisma.campaignStep.update({
      where: { campaignId_position: { campaignId, position } },
      data: { status: CampaignStepStatus.deleted, doneAt: new Date() },
    });
  }

  /** Rolled back without deleting: the recorded object is not the campaign's own, so it stays on Discord (the note says so). */
  async release(campaignId: string, position: number, note: string): Promise<void> {
    await this.prisma.campaignStep.update({
      where: { campaignId_position: { campaignId, position } },
      data: { status: CampaignStepStatus.deleted, doneAt: new Date(), error: note },
    });
  }

  /** Announcement channels exist only in Community servers; elsewhere they are created as text channels. */
  async announcementsAsText(campaignId: string): Promise<void> {
    await this.prisma.campaignStep.updateMany({
      where: { campaignId, channelType: ChannelType.GuildAnnouncement, status: { not: CampaignStepStatus.created } },
      data: { channelType: ChannelType.GuildText },
    });
  }

  /** Discord ids other campaigns of the guild recorded: never taken for this campaign's lost objects. */
  async recordedElsewhere(guildId: string, campaignId: string): Promise<Set<string>> {
    const steps = await this.prisma.campaignStep.findMany({
      where: { campaign: { guildId }, campaignId: { not: campaignId }, discordId: { not: null } },
      select: { discordId: true },
    });
    return new Set(steps.map((s) => s.discordId!));
  }

  /** The campaign stops (running or rolling back → failed) with the reason shown to the user; the step, if any, records it too. */
  async fail(campaignId: string, reason: string, position?: number): Promise<void> {
    const error = reason.slice(0, 2000);
    await this.prisma.$transaction([
      this.prisma.campaign.updateMany({
        where: { id: campaignId, status: { in: [CampaignStatus.running, CampaignStatus.rolling_back] } },
        data: {
          status: CampaignStatus.failed,
          error,
          finishedAt: new Date(),
          finalRenderedAt: null,
          rateLimitedUntil: null,
        },
      }),
      ...(position === undefined
        ? []
        : [
            this.prisma.campaignStep.updateMany({
              where: { campaignId, position, status: { not: CampaignStepStatus.created } },
              data: { status: CampaignStepStatus.failed, error },
            }),
          ]),
    ]);
  }

  /** running → completed, once every channel is created (whichever task sees it first). */
  async completeIfDone(campaignId: string): Promise<void> {
    await this.prisma.campaign.updateMany({
      where: {
        id: campaignId,
        status: CampaignStatus.running,
        steps: { every: { status: CampaignStepStatus.created } },
      },
      data: { status: CampaignStatus.completed, finishedAt: new Date(), finalRenderedAt: null },
    });
  }

  async rolledBack(campaignId: string): Promise<void> {
    await this.prisma.campaign.updateMany({
      where: { id: campaignId, status: CampaignStatus.rolling_back },
      data: { status: CampaignStatus.rolled_back, finishedAt: new Date(), finalRenderedAt: null },
    });
  }

  /** Discord asked to wait (429): shown in the progress message until a step succeeds. */
  async rateLimited(campaignId: string, seconds: number): Promise<void> {
    await this.prisma.campaign.updateMany({
      where: { id: campaignId },
      data: { rateLimitedUntil: new Date(Date.now() + seconds * 1000) },
    });
  }
}
