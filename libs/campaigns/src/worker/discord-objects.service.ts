import { Injectable, Logger } from '@nestjs/common';
import { ChannelType, OverwriteType, PermissionFlagsBits as P, RESTJSONErrorCodes } from 'discord.js';
import type { APIOverwrite, RESTPostAPIGuildChannelJSONBody } from 'discord.js';
import {
  DiscordInvalidRequestBudgetError,
  DiscordPermanentError,
  DiscordRateLimitedError,
  DiscordRestClient,
  DiscordUnauthorizedError,
  isDiscordErrorCode,
} from '@discord-backbone/discord';
import type { CampaignStep } from '@discord-backbone/prisma';
import { CampaignStepKind } from '@discord-backbone/prisma';
import { CampaignState, CATEGORY_POSITION, isCreated, ROLE_POSITION, stepAt } from '../campaign.state';
import { CampaignStore } from './campaign.store';
import { ChannelFingerprint, createdSince, isOwnChannel, isOwnRole } from './own-objects';

/** What the campaign's members (and its creator) may do in its channels. */
export const MEMBER_ACCESS = P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.Connect | P.Speak;
/** The bot keeps access to what it creates, and may delete it again. */
export const BOT_ACCESS = MEMBER_ACCESS | P.ManageChannels;

const TEXT_LIKE = new Set<number>([ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum]);

/**
 * The campaign's Discord objects (role, category, channels), each created exactly once and never
 * taken over from anyone: the attempt is recorded before the create call and the id right after
 * it. The mark is cleared again when the call is known not to have created anything (a 4xx, a
 * rate limit, the invalid-request budget); it stays only when the outcome is unknown (a timeout, a
 * 5xx). A step found attempted looks for its object first and adopts it only if it is provably
 * this campaign's (own-objects.ts: made since the attempt, with exactly what this code writes —
 * no other campaign's either); anything else is left alone and a new object created.
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
    let id = step.attemptedAt ? await this.find(campaign, step, step.attemptedAt) : undefined;
    if (id) {
      this.logger.log({
        msg: 'Found the object an earlier delivery created',
        campaignId: campaign.id,
        position: step.position,
        discordId: id,
      });
    } else {
      await this.store.markAttempted(campaign.id, step.position);
      try {
        id = await this.create(campaign, step);
      } catch (error) {
        if (createdNothing(error)) await this.store.clearAttempted(campaign.id, step.position);
        throw error;
      }
    }
    await this.store.markCreated(campaign.id, step.position, id);
    return id;
  }

  /**
   * Deletes a created object; one already gone (404) counts as deleted. One older than the campaign
   * cannot be its own (a record an earlier version's adoption made): it is left on Discord and only
   * released from the campaign.
   */
  async remove(campaign: CampaignState, step: CampaignStep & { discordId: string }): Promise<void> {
    if (!createdSince(step.discordId, campaign.createdAt)) {
      this.logger.warn({
        msg: 'Left an object older than the campaign in place: not its own',
        campaignId: campaign.id,
        position: step.position,
        discordId: step.discordId,
      });
      return this.store.release(
        campaign.id,
        step.position,
        'Left in place: it existed before the campaign, so it is not the campaign’s own.',
      );
    }
    const reason = auditReason(campaign, 'rolled back');
    if (step.kind === CampaignStepKind.role) await this.discord.deleteRole(campaign.guildId, step.discordId, reason);
    else await this.discord.deleteChannel(step.discordId, reason);
    await this.store.markDeleted(campaign.id, step.position);
  }

  /** The invoker gets the campaign's role (idempotent); one who has left the server is skipped. */
  async giveRoleToInvoker(campaign: CampaignState, roleId: string): Promise<void> {
    try {
      await this.discord.addMemberRole(
        campaign.guildId,
        campaign.invokerId,
        roleId,
        auditReason(campaign, 'campaign creator'),
      );
    } catch (error) {
      if (!isDiscordErrorCode(error, RESTJSONErrorCodes.UnknownMember)) throw error;
      this.logger.warn({
        msg: 'The campaign creator is no longer in the server; role not given',
        campaignId: campaign.id,
      });
    }
  }

  private async create(campaign: CampaignState, step: CampaignStep): Promise<string> {
    const reason = auditReason(campaign, 'created');
    if (step.kind === CampaignStepKind.role) {
      return (
        await this.discord.createRole(campaign.guildId, { name: step.name, permissions: 0n, mentionable: true }, reason)
      ).id;
    }
    const fingerprint = await this.fingerprint(campaign, step);
    const body: RESTPostAPIGuildChannelJSONBody = {
      name: step.name,
      type: step.channelType as RESTPostAPIGuildChannelJSONBody['type'],
      permission_overwrites: fingerprint.overwrites,
      ...(fingerprint.parentId === null ? {} : { parent_id: fingerprint.parentId }),
      ...(TEXT_LIKE.has(step.channelType ?? -1) && step.description ? { topic: step.description } : {}),
    };
    return (await this.discord.createGuildChannel(campaign.guildId, body, reason)).id;
  }

  /** The object an earlier attempt made, if one is provably this campaign's (the newest, if several). */
  private async find(campaign: CampaignState, step: CampaignStep, attemptedAt: Date): Promise<string | undefined> {
    const others = await this.store.recordedElsewhere(campaign.guildId, campaign.id);
    if (step.kind === CampaignStepKind.role) {
      const roles = (await this.discord.getGuild(campaign.guildId)).roles;
      return newest(
        roles.filter((role) => !others.has(role.id) && isOwnRole(role, step.name, attemptedAt)).map((role) => role.id),
      );
    }
    const fingerprint = await this.fingerprint(campaign, step);
    const channels = await this.discord.listGuildChannels(campaign.guildId);
    return newest(
      channels.filter((c) => !others.has(c.id) && isOwnChannel(c, fingerprint, attemptedAt)).map((c) => c.id),
    );
  }

  /** What this code sends for a channel or category, and so what marks one as its own. */
  private async fingerprint(campaign: CampaignState, step: CampaignStep): Promise<ChannelFingerprint> {
    return {
      name: step.name,
      type: step.channelType ?? -1,
      parentId: step.kind === CampaignStepKind.channel ? stepAt(campaign, CATEGORY_POSITION).discordId : null,
      overwrites: await this.overwrites(campaign, step.gmOnly),
    };
  }

  /**
   * @everyone cannot see the campaign; its role and its creator can (a GM-only channel: the
   * creator, not the role); the bot keeps access to what it creates.
   */
  private async overwrites(campaign: CampaignState, gmOnly: boolean): Promise<APIOverwrite[]> {
    this.botUserId ??= (await this.discord.getCurrentUser()).id;
    const roleId = stepAt(campaign, ROLE_POSITION).discordId!;
    const allow = (id: string, type: OverwriteType, bits: bigint): APIOverwrite => ({
      id,
      type,
      allow: bits.toString(),
      deny: '0',
    });
    const deny = (id: string, type: OverwriteType, bits: bigint): APIOverwrite => ({
      id,
      type,
      allow: '0',
      deny: bits.toString(),
    });
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

/** The call is known not to have reached Discord, or Discord refused it: nothing was created. */
function createdNothing(error: unknown): boolean {
  return (
    error instanceof DiscordPermanentError ||
    error instanceof DiscordRateLimitedError ||
    error instanceof DiscordInvalidRequestBudgetError ||
    error instanceof DiscordUnauthorizedError
  );
}

/** X-Audit-Log-Reason: server admins see why the bot made or removed it. */
function auditReason(campaign: CampaignState, what: string): string {
  return `Campaign "${campaign.name}" (${campaign.id}) ${what}, /add-campaign by ${campaign.invokerId}`.slice(0, 512);
}
