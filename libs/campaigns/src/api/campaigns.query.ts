import { Injectable, NotFoundException } from '@nestjs/common';
import { CAMPAIGN_CHANNEL_TYPE_NAMES, CampaignChannelType } from '@discord-backbone/contracts';
import { PrismaService } from '@discord-backbone/prisma';
import {
  CATEGORY_POSITION,
  channelSteps,
  FIRST_CHANNEL_POSITION,
  loadCampaign,
  ROLE_POSITION,
  stepAt,
} from '../campaign.state';

/** A campaign as GET /campaigns/:id shows it: where it stands, each object's state and error. Never the interaction token. */
@Injectable()
export class CampaignsQuery {
  constructor(private readonly prisma: PrismaService) {}

  async get(id: string) {
    const campaign = await loadCampaign(this.prisma, id);
    if (!campaign) throw new NotFoundException(`Campaign ${id} not found`);
    const role = stepAt(campaign, ROLE_POSITION);
    const category = stepAt(campaign, CATEGORY_POSITION);
    return {
      id: campaign.id,
      name: campaign.name,
      template: campaign.template,
      guildId: campaign.guildId,
      invokerId: campaign.invokerId,
      status: campaign.status,
      error: campaign.error,
      progressVia: campaign.progressVia,
      role: { name: role.name, status: role.status, roleId: role.discordId, error: role.error },
      category: { name: category.name, status: category.status, channelId: category.discordId, error: category.error },
      channels: channelSteps(campaign).map((step) => ({
        current: step.position - FIRST_CHANNEL_POSITION + 1,
        name: step.name,
        type: CAMPAIGN_CHANNEL_TYPE_NAMES[step.channelType as CampaignChannelType],
        gmOnly: step.gmOnly,
        status: step.status,
        channelId: step.discordId,
        error: step.error,
      })),
      createdAt: campaign.createdAt,
      finishedAt: campaign.finishedAt,
    };
  }
}
