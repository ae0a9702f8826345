import { Inject, Injectable } from '@nestjs/common';
import { InteractionResponseType } from 'discord.js';
import type { APIInteractionResponse, APIMessageComponentInteraction } from 'discord.js';
import { CampaignStatus, PrismaService } from '@discord-backbone/prisma';
import { parseButtonId, renderProgress } from '../campaign.view';
import { CAMPAIGNS_API_OPTIONS, CampaignsApiOptions } from './campaigns-api.options';
import { CampaignsService } from './campaigns.service';
import { GuildPermissions } from './guild-permissions';
import { ephemeral, PERMISSIONS_UNCHECKED, quotaReached } from './interaction-replies';

const NOT_FAILED: Record<CampaignStatus, string> = {
  [CampaignStatus.running]: 'is already running',
  [CampaignStatus.completed]: 'is complete',
  [CampaignStatus.failed]: 'has just been retried or rolled back',
  [CampaignStatus.rolling_back]: 'is being rolled back',
  [CampaignStatus.rolled_back]: 'has been rolled back',
};

/**
 * The Retry and Roll back buttons of a failed campaign's progress message. Only the campaign's
 * creator or a member with Manage Channels on the server may press them; the answer updates the
 * message at once (type 7), and the queued work continues it. A press acts once: a replay of its
 * signed request is answered privately and does nothing.
 */
@Injectable()
export class CampaignButtonsHandler {
  constructor(
    private readonly prisma: PrismaService,
    private readonly campaigns: CampaignsService,
    private readonly permissions: GuildPermissions,
    @Inject(CAMPAIGNS_API_OPTIONS) private readonly options: CampaignsApiOptions,
  ) {}

  async handle(interaction: APIMessageComponentInteraction): Promise<APIInteractionResponse> {
    const button = parseButtonId(interaction.data.custom_id);
    if (!button) return ephemeral('This button does nothing any more.');
    const member = interaction.member;
    const campaign = await this.prisma.campaign.findUnique({
      where: { id: button.campaignId },
      select: { guildId: true, invokerId: true, status: true },
    });
    if (!member || !campaign || campaign.guildId !== interaction.guild_id)
      return ephemeral('This campaign is unknown here.');
    const verb = button.action === 'retry' ? 'retry' : 'roll back';
    if (member.user.id !== campaign.invokerId) {
      const allowed = await this.permissions.canManageChannels(campaign.guildId, member);
      if (allowed === 'unknown') return ephemeral(PERMISSIONS_UNCHECKED);
      if (allowed === 'refused')
        return ephemeral(
          `Only <@${campaign.invokerId}> (who created it) or a member with Manage Channels can ${verb} this campaign.`,
        );
    }
    const acted = await this.campaigns.act(button.action, button.campaignId, {
      interactionId: interaction.id,
      guildId: campaign.guildId,
      channelId: interaction.message.channel_id,
      messageId: interaction.message.id,
      interactionToken: interaction.token,
    });
    switch (acted.outcome) {
      case 'done':
        return { type: InteractionResponseType.UpdateMessage, data: renderProgress(acted.state) };
      case 'replayed':
        return ephemeral('This button press was handled already; nothing more was done.');
      case 'over-quota':
        return quotaReached(this.options.maxInProgressPerGuild);
      case 'not-failed':
        return ephemeral(`This campaign ${NOT_FAILED[campaign.status]}: nothing to ${verb}.`);
    }
  }
}
