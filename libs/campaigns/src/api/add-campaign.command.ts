import { Inject, Injectable } from '@nestjs/common';
import { ApplicationCommandOptionType, InteractionResponseType } from 'discord.js';
import type { APIChatInputApplicationCommandInteraction, APIInteractionResponse } from 'discord.js';
import { MAX_DISCORD_NAME_LENGTH } from '@discord-backbone/contracts';
import { CAMPAIGN_TEMPLATES, DEFAULT_TEMPLATE } from '../campaign-templates';
import { CAMPAIGNS_API_OPTIONS, CampaignsApiOptions } from './campaigns-api.options';
import { CampaignsService } from './campaigns.service';
import { GuildPermissions } from './guild-permissions';
import { ephemeral, PERMISSIONS_UNCHECKED, quotaReached } from './interaction-replies';

/**
 * `/add-campaign name:<text> [template:<choice>]`: checks the invoker's server-wide Manage
 * Channels (one read of the server's roles, bounded: Discord wants an answer within 3 s), then
 * records the campaign and queues its first step in one transaction — unless the server has its
 * quota of campaigns in progress — and answers "deferred" (type 5, visible to the channel); the
 * worker edits that answer into the progress bar.
 */
@Injectable()
export class AddCampaignCommand {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly permissions: GuildPermissions,
    @Inject(CAMPAIGNS_API_OPTIONS) private readonly options: CampaignsApiOptions,
  ) {}

  async handle(interaction: APIChatInputApplicationCommandInteraction): Promise<APIInteractionResponse> {
    const member = interaction.member;
    const channelId = interaction.channel?.id ?? interaction.channel_id;
    if (!interaction.guild_id || !member || !channelId)
      return ephemeral('Use /add-campaign in a channel of your server.');
    const allowed = await this.permissions.canManageChannels(interaction.guild_id, member);
    if (allowed === 'unknown') return ephemeral(PERMISSIONS_UNCHECKED);
    if (allowed === 'refused')
      return ephemeral(
        'You need the Manage Channels permission on the server (not only in a channel) to create a campaign.',
      );

    const option = (name: string) => {
      const found = interaction.data.options?.find((o) => o.name === name);
      return found?.type === ApplicationCommandOptionType.String ? found.value : undefined;
    };
    const name = (option('name') ?? '').trim();
    if (name.length < 1 || name.length > MAX_DISCORD_NAME_LENGTH)
      return ephemeral(`The campaign name must have 1 to ${MAX_DISCORD_NAME_LENGTH} characters.`);
    const template = CAMPAIGN_TEMPLATES.get(option('template') ?? DEFAULT_TEMPLATE);
    if (!template) return ephemeral(`Unknown template; choose one of: ${[...CAMPAIGN_TEMPLATES.keys()].join(', ')}.`);

    // A second delivery of the same interaction records nothing and gets the same answer.
    const outcome = await this.campaigns.create({
      interactionId: interaction.id,
      applicationId: interaction.application_id,
      guildId: interaction.guild_id,
      channelId,
      invokerId: member.user.id,
      name,
      template,
      interactionToken: interaction.token,
    });
    if (outcome === 'over-quota') return quotaReached(this.options.maxInProgressPerGuild);
    return { type: InteractionResponseType.DeferredChannelMessageWithSource };
  }
}
