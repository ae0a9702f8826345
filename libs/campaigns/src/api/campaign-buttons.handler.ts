import { Injectable } from '@nestjs/common';
import { InteractionResponseType } from 'discord.js';
import type { APIInteractionResponse, APIMessageComponentInteraction } from 'discord.js';
import { CampaignStatus, PrismaService } from '@app/prisma';
import { parseButtonId, renderProgress } from '../campaign.view';
import { CampaignsService } from './campaigns.service';
import { canManageChannels } from './commands';
import { ephemeral } from './interaction-replies';

const NOT_FAILED: Record<CampaignStatus, string> = {
  [CampaignStatus.running]: 'is already running',
  [CampaignStatus.completed]: 'is complete',
  [CampaignStatus.failed]: 'has just been retried or rolled back',
  [CampaignStatus.rolling_back]: 'is being rolled back',
  [CampaignStatus.rolled_back]: 'has been rolled back',
};

/**
 * The Retry and Roll back buttons of a failed campaign's progress message. Only the campaign's
 * creator or a member with Manage Channels may press them; the answer updates the message at
 * once (type 7), and the queued work continues it.
 */
@Injectable()
export class CampaignButtonsHandler {
  constructor(
    private readonly prisma: PrismaService,
    private readonly campaigns: CampaignsService,
  ) {}

  async handle(interaction: APIMessageComponentInteraction): Promise<APIInteractionResponse> {
    const button = parseButtonId(interaction.data.custom_id);
    if (!button) return ephemeral('This button does nothing any more.');
    const member = interaction.member;
    const campaign = await this.prisma.campaign.findUnique({ where: { id: button.campaignId }, select: { guildId: true, invokerId: true, status: true } });
    if (!member || !campaign || campaign.guildId !== interaction.guild_id) return ephemeral('This campaign is unknown here.');
    const verb = button.action === 'retry' ? 'retry' : 'roll back';
    if (member.user.id !== campaign.invokerId && !canManageChannels(member.permissions)) {
      return ephemeral(`Only <@${campaign.invokerId}> (who created it) or a member with Manage Channels can ${verb} this campaign.`);
    }
    const state = await this.campaigns.act(button.action, button.campaignId, {
      channelId: interaction.message.channel_id,
      messageId: interaction.message.id,
      interactionToken: interaction.token,
    });
    if (!state) return ephemeral(`This campaign ${NOT_FAILED[campaign.status]}: nothing to ${verb}.`);
    return { type: InteractionResponseType.UpdateMessage, data: renderProgress(state) };
  }
}
