import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ChannelType } from 'discord.js';
import { DiscordInteractionTokenError, DiscordPermanentError, DiscordRestClient } from '@discord-backbone/discord';
import { CampaignProgressVia, CampaignStepKind, PrismaService } from '@discord-backbone/prisma';
import { CampaignState, isCreated, loadCampaign } from '../campaign.state';
import { ProgressView } from '../campaign.view';

/** interaction → bot → channel → none, plus a few moves caused by buttons pressed meanwhile. */
const MAX_HOPS = 8;

/**
 * Where a campaign's progress message lives, and one rendered view put there. While the
 * interaction token is usable it edits the deferred answer through it; once it is near its end
 * (CAMPAIGN_TOKEN_LIFETIME_SECONDS) or Discord refuses it (401, 404, 50027), the token is deleted —
 * never tried again — and the bot token edits the same message; if that is refused (no access to
 * the channel), the bot posts a status message in the campaign's first text channel and edits that
 * from then on. When to edit is ProgressReporter's business.
 */
@Injectable()
export class ProgressDelivery {
  private readonly logger = new Logger(ProgressDelivery.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly discord: DiscordRestClient,
  ) {}

  /** Interaction token → bot token on the same message → status message in the first text channel → nowhere. */
  async deliver(found: CampaignState, view: ProgressView): Promise<void> {
    let campaign = found;
    let via = campaign.progressVia;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      let reason: string;
      switch (via) {
        case CampaignProgressVia.interaction: {
          const token = await this.usableToken(campaign.id);
          if (!token) {
            reason = 'the interaction token reached the end of its lifetime';
            break;
          }
          try {
            const message = await this.discord.editInteractionResponse(campaign.applicationId, token, view);
            if (message.id !== campaign.progressMessageId) {
              await this.prisma.campaign.update({
                where: { id: campaign.id },
                data: { progressMessageId: message.id, progressChannelId: message.channel_id },
              });
            }
            return;
          } catch (error) {
            if (!(error instanceof DiscordInteractionTokenError)) throw error;
            // Never again: Discord counts every refused request towards a temporary ban.
            await this.prisma.campaignInteractionToken.deleteMany({ where: { campaignId: campaign.id, token } });
            reason = error.message;
          }
          break;
        }
        case CampaignProgressVia.bot: {
          if (!campaign.progressMessageId) {
            reason = 'the progress message was never seen (the token expired before the first edit)';
            break;
          }
          try {
            await this.discord.editMessage(campaign.progressChannelId, campaign.progressMessageId, view);
            return;
          } catch (error) {
            if (!(error instanceof DiscordPermanentError)) throw error;
            reason = error.message;
          }
          break;
        }
        case CampaignProgressVia.channel: {
          const channelId = statusChannel(campaign);
          if (!channelId) return; // no text channel yet: the progress stays in the database until there is one
          try {
            if (campaign.statusMessageId && campaign.statusChannelId === channelId) {
              await this.discord.editMessage(channelId, campaign.statusMessageId, view);
            } else {
              const posted = await this.discord.sendMessage(channelId, {
                content: view.content,
                components: view.components,
                nonce: statusNonce(campaign.id, channelId),
              });
              await this.prisma.campaign.update({
                where: { id: campaign.id },
                data: { statusChannelId: channelId, statusMessageId: posted.id },
              });
            }
            return;
          } catch (error) {
            if (!(error instanceof DiscordPermanentError)) throw error;
            reason = error.message;
          }
          break;
        }
        case CampaignProgressVia.none:
          return;
      }
      if (await this.moveOn(campaign, via, reason)) {
        via = NEXT[via];
      } else {
        // A button pressed meanwhile (a new token and message) moved it: go where it is now.
        campaign = (await loadCampaign(this.prisma, campaign.id)) ?? campaign;
        via = campaign.progressVia;
      }
    }
    throw new Error(`The progress message of campaign ${campaign.id} kept moving; edit given up for now`);
  }

  /** The token while it is usable; an expired one is deleted (it will not be used again). */
  private async usableToken(campaignId: string): Promise<string | undefined> {
    const row = await this.prisma.campaignInteractionToken.findUnique({ where: { campaignId } });
    if (row && row.expiresAt > new Date()) return row.token;
    if (row) await this.prisma.campaignInteractionToken.deleteMany({ where: { campaignId, token: row.token } });
    return undefined;
  }

  /** Records the move to the next place; false when the campaign is no longer where this edit found it. */
  private async moveOn(campaign: CampaignState, from: CampaignProgressVia, reason: string): Promise<boolean> {
    const to = NEXT[from];
    // Only from where this edit found it: a button pressed meanwhile brings a new token and wins.
    const tokenGone = from === CampaignProgressVia.interaction ? { interactionToken: { is: null } } : {};
    const { count } = await this.prisma.campaign.updateMany({
      where: { id: campaign.id, progressVia: from, ...tokenGone },
      data: { progressVia: to },
    });
    if (count > 0) this.logger.warn({ msg: 'Progress message moves on', campaignId: campaign.id, from, to, reason });
    return count > 0;
  }
}

const NEXT: Record<CampaignProgressVia, CampaignProgressVia> = {
  [CampaignProgressVia.interaction]: CampaignProgressVia.bot,
  [CampaignProgressVia.bot]: CampaignProgressVia.channel,
  [CampaignProgressVia.channel]: CampaignProgressVia.none,
  [CampaignProgressVia.none]: CampaignProgressVia.none,
};

/** The status message's channel: where it was posted while that channel exists, else the campaign's first created text channel. */
function statusChannel(campaign: CampaignState): string | undefined {
  const text = campaign.steps.filter(
    (s) => s.kind === CampaignStepKind.channel && s.channelType === ChannelType.GuildText && isCreated(s),
  );
  return (text.find((s) => s.discordId === campaign.statusChannelId) ?? text[0])?.discordId ?? undefined;
}

/** A retried post within Discord's few-minute nonce window returns the first message (nonces are at most 25 characters). */
function statusNonce(campaignId: string, channelId: string): string {
  return createHash('sha256').update(`campaign-status:${campaignId}:${channelId}`).digest('base64url').slice(0, 25);
}
