import { Injectable, Logger } from '@nestjs/common';
import type { CampaignStep } from '@prisma/client';
import { ChannelType, OverwriteType, PermissionFlagsBits as P, RESTJSONErrorCodes } from 'discord.js';
import type { APIOverwrite, RESTPostAPIGuildChannelJSONBody } from 'discord.js';
import { DiscordRestClient, isDiscordErrorCode } from '@app/discord';
import { CampaignStepKind } from '@app/prisma';
import { CampaignState, CATEGORY_POSITION, isCreated, ROLE_POSITION, stepAt } from '../campaign.state';
import { CampaignStore } from './campaign.store';

/** What the campaign's members (and its creator) may do in its channels. */
export const MEMBER_ACCESS = P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.Connect | P.Speak;
/** The bot keeps access to what it creates, and may delete it again. */
export const BOT_ACCESS = MEMBER_ACCESS | P.ManageChannels;

const TEXT_LIKE = new Set<number>([ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum]);

/**
 * The campaign's Discord objects (role, category, channels), each created exactly once: the
 * attempt is recorded before the create call and the id right after it, so a step that died in
 * between looks for its object (by its deterministic name, among objects no other campaign
 * recorded, channels in the campaign's own category) before it creates one.
 */
@Injectable()
export class DiscordObjectsService {
  private readonly logger = new Logger(DiscordObjectsService.name);
  private botUserId: string | undefined;

  constructor(
    private readonly discord: DiscordRestClient,
    private readonly store: CampaignStore,
  ) {}

  async ensure(campaign: CampaignState, step: CampaignStep): Promise<string> {
    if (isCreated(step)) return step.discordId;
    let id = step.attemptedAt ? await this.find(campaign, step) : undefined;
    if (id) {
      this.logger.log({ msg: 'Found the object an earlier delivery created', campaignId: campaign.id, position: step.position, discordId: id });
    } else {
      await this.store.markAttempted(campaign.id, step.position);
      id = await this.create(campaign, step);
    }
    await this.store.markCreated(campaign.id, step.position, id);
    return id;
  }

  /** Deletes a created object; one already gone (404) counts as deleted. */
  async remove(campaign: CampaignState, step: CampaignStep & { discordId: string }): Promise<void> {
    const reason = auditReason(campaign, 'rolled back');
    if (step.kind === CampaignStepKind.role) await this.discord.deleteRole(campaign.guildId, step.discordId, reason);
    else await this.discord.deleteChannel(step.discordId, reason);
    await this.store.markDeleted(campaign.id, step.position);
  }

  /** The invoker gets the campaign's role (idempotent); one who has left the server is skipped. */
  async giveRoleToInvoker(campaign: CampaignState, roleId: string): Promise<void> {
    try {
      await this.discord.addMemberRole(campaign.guildId, campaign.invokerId, roleId, auditReason(campaign, 'campaign creator'));
    } catch (error) {
      if (!isDiscordErrorCode(error, RESTJSONErrorCodes.UnknownMember)) throw error;
      this.logger.warn({ msg: 'The campaign creator is no longer in the server; role not given', campaignId: campaign.id });
    }
  }

  private async create(campaign: CampaignState, step: CampaignStep): Promise<string> {
    const reason = auditReason(campaign, 'created');
    if (step.kind === CampaignStepKind.role) {
      return (await this.discord.createRole(campaign.guildId, { name: step.name, permissions: 0n, mentionable: true }, reason)).id;
    }
    const body: RESTPostAPIGuildChannelJSONBody = {
      name: step.name,
      type: step.channelType as RESTPostAPIGuildChannelJSONBody['type'],
      permission_overwrites: await this.overwrites(campaign, step.gmOnly),
      ...(step.kind === CampaignStepKind.channel ? { parent_id: stepAt(campaign, CATEGORY_POSITION).discordId } : {}),
      ...(TEXT_LIKE.has(step.channelType ?? -1) && step.description ? { topic: step.description } : {}),
    };
    return (await this.discord.createGuildChannel(campaign.guildId, body, reason)).id;
  }

  private async find(campaign: CampaignState, step: CampaignStep): Promise<string | undefined> {
    const others = await this.store.recordedElsewhere(campaign.guildId, campaign.id);
    if (step.kind === CampaignStepKind.role) {
      const roles = (await this.discord.getGuild(campaign.guildId)).roles;
      return newest(roles.filter((role) => role.name === step.name && !others.has(role.id)).map((role) => role.id));
    }
    const parent = step.kind === CampaignStepKind.channel ? stepAt(campaign, CATEGORY_POSITION).discordId : null;
    const channels = await this.discord.listGuildChannels(campaign.guildId);
    return newest(
      channels
        .filter((c) => c.type === step.channelType && 'name' in c && c.name === step.name && ('parent_id' in c ? (c.parent_id ?? null) : null) === parent && !others.has(c.id))
        .map((c) => c.id),
    );
  }

  /**
   * @everyone cannot see the campaign; its role and its creator can (a GM-only channel: the
   * creator, not the role); the bot keeps access to what it creates.
   */
  private async overwrites(campaign: CampaignState, gmOnly: boolean): Promise<APIOverwrite[]> {
    this.botUserId ??= (await this.discord.getCurrentUser()).id;
    const roleId = stepAt(campaign, ROLE_POSITION).discordId!;
    const allow = (id: string, type: OverwriteType, bits: bigint): APIOverwrite => ({ id, type, allow: bits.toString(), deny: '0' });
    const deny = (id: string, type: OverwriteType, bits: bigint): APIOverwrite => ({ id, type, allow: '0', deny: bits.toString() });
    return [
      deny(campaign.guildId, OverwriteType.Role, P.ViewChannel), // @everyone has the guild's id
      gmOnly ? deny(roleId, OverwriteType.Role, P.ViewChannel) : allow(roleId, OverwriteType.Role, MEMBER_ACCESS),
      allow(campaign.invokerId, OverwriteType.Member, MEMBER_ACCESS),
      allow(this.botUserId, OverwriteType.Member, BOT_ACCESS),
    ];
  }
}

/** The most recently created (snowflakes grow with time), if several match. */
function newest(ids: string[]): string | undefined {
  return ids.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).at(-1);
}

/** X-Audit-Log-Reason: server admins see why the bot made or removed it. */
function auditReason(campaign: CampaignState, what: string): string {
  return `Campaign "${campaign.name}" (${campaign.id}) ${what}, /add-campaign by ${campaign.invokerId}`.slice(0, 512);
}
