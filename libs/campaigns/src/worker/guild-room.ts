import { Injectable } from '@nestjs/common';
import { GuildFeature } from 'discord.js';
import { MAX_CAMPAIGN_CHANNELS } from '@discord-backbone/contracts';
import { DiscordRestClient } from '@discord-backbone/discord';
import { CampaignStepKind } from '@discord-backbone/prisma';
import { CampaignState, channelSteps, isCreated } from '../campaign.state';
import { CampaignStore } from './campaign.store';

/** Discord's limits: channels (categories included) per guild, roles per guild. */
export const GUILD_LIMITS = { channels: 500, roles: 250 } as const;

/** What the guild has and what the campaign still needs; the reason it cannot fit, if it cannot. */
export function roomProblem(
  has: { channels: number; roles: number },
  needs: { channels: number; roles: number; inCategory: number },
): string | undefined {
  const problems: string[] = [];
  if (has.channels + needs.channels > GUILD_LIMITS.channels) {
    problems.push(
      `This server has ${has.channels} of its ${GUILD_LIMITS.channels} channels; the campaign needs ${needs.channels} more.`,
    );
  }
  if (has.roles + needs.roles > GUILD_LIMITS.roles)
    problems.push(`This server has ${has.roles} of its ${GUILD_LIMITS.roles} roles; the campaign needs one more.`);
  if (needs.inCategory > MAX_CAMPAIGN_CHANNELS)
    problems.push(`A category holds at most ${MAX_CAMPAIGN_CHANNELS} channels; this campaign has ${needs.inCategory}.`);
  return problems.length > 0 ? `${problems.join(' ')} Make room, then press Retry.` : undefined;
}

/**
 * The pre-flight, before anything is created: does the campaign fit in the guild? Also adapts it
 * to the guild: announcement channels become text channels outside Community servers.
 */
@Injectable()
export class GuildRoom {
  constructor(
    private readonly discord: DiscordRestClient,
    private readonly store: CampaignStore,
  ) {}

  async check(campaign: CampaignState): Promise<string | undefined> {
    const [guild, channels] = await Promise.all([
      this.discord.getGuild(campaign.guildId),
      this.discord.listGuildChannels(campaign.guildId),
    ]);
    if (!guild.features.includes(GuildFeature.Community)) await this.store.announcementsAsText(campaign.id);
    const missing = campaign.steps.filter((step) => !isCreated(step));
    return roomProblem(
      { channels: channels.length, roles: guild.roles.length },
      {
        channels: missing.filter((step) => step.kind !== CampaignStepKind.role).length,
        roles: missing.some((step) => step.kind === CampaignStepKind.role) ? 1 : 0,
        inCategory: channelSteps(campaign).length,
      },
    );
  }
}
