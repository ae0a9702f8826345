import { Inject, Injectable, Logger } from '@nestjs/common';
import { InviteUserOperation } from '@discord-backbone/contracts';
import { DiscordPermanentError, DiscordRestClient } from '@discord-backbone/discord';
import { BOT_WORKER_OPTIONS, BotWorkerOptions } from '../bot-operations.options';
import { BotOperationRecorder } from './bot-operation.recorder';

export interface DeliveredInvite {
  inviteCode: string;
  dmMessageId?: string;
  dmError?: string;
}

/** Discord's limit on a message nonce. */
const MAX_NONCE_LENGTH = 25;

/** The invite code in a DM's text, as written below. */
const INVITE_CODE_IN_DM = /https:\/\/discord\.gg\/([\w-]+)/;

/**
 * A single-use invite to the subscription's channel, DM'd to a user who is not in the guild.
 * Each step is saved on the operation's row as soon as it succeeds, so a redelivered invite
 * resumes instead of creating a second invite or sending a second DM: the invite code is saved
 * before the DM is sent, the DM's id after. The DM also carries a nonce derived from the
 * operation id, which Discord uses to answer a repeated send (within a few minutes) with the
 * first message; the one window left is a worker that crashes after Discord accepted the DM and
 * is redelivered only after that nonce window closed, which the queue's visibility timeout
 * (seconds) makes unlikely. A DM Discord refuses (the user's DMs are closed, or the user shares
 * no guild with the bot, which is common for someone not in the guild yet) is recorded as
 * `dmError`, not retried: the invite code is on the operation for the API to show instead.
 */
@Injectable()
export class InviteDelivery {
  private readonly logger = new Logger(InviteDelivery.name);

  constructor(
    private readonly discord: DiscordRestClient,
    private readonly recorder: BotOperationRecorder,
    @Inject(BOT_WORKER_OPTIONS) private readonly options: BotWorkerOptions,
  ) {}

  async deliver(operation: InviteUserOperation): Promise<DeliveredInvite> {
    const earlier = await this.recorder.progress(operation.operationId);
    let inviteCode = earlier.inviteCode;
    if (inviteCode && (earlier.dmMessageId || earlier.dmError)) {
      return {
        inviteCode,
        ...(earlier.dmMessageId ? { dmMessageId: earlier.dmMessageId } : { dmError: earlier.dmError }),
      };
    }
    if (!inviteCode) {
      const invite = await this.discord.createInvite(operation.channelId, {
        maxAgeSeconds: this.options.inviteMaxAgeSeconds,
        maxUses: 1,
        unique: true,
      });
      inviteCode = invite.code;
      await this.recorder.saveProgress(operation, { inviteCode });
    }

    let delivered: DeliveredInvite;
    try {
      const dm = await this.discord.createDM(operation.discordUserId);
      const message = await this.discord.sendMessage(dm.id, {
        content: `Your subscription is active. Join the server with this single-use invite: https://discord.gg/${inviteCode}`,
        nonce: operation.operationId.replace(/-/g, '').slice(0, MAX_NONCE_LENGTH),
      });
      // Two deliveries of the operation at once (a redelivery while the first still runs) each
      // create an invite, but the nonce makes Discord answer the second send with the first DM:
      // record the code the user actually received, not the one this delivery created.
      const sentCode = INVITE_CODE_IN_DM.exec(message.content)?.[1];
      if (sentCode && sentCode !== inviteCode) {
        // Never the codes themselves: an invite code lets anyone who reads it join.
        this.logger.warn({
          msg: 'The DM had already been sent with another invite; recording that one (the invite created here stays unused and expires)',
          operationId: operation.operationId,
        });
        inviteCode = sentCode;
      }
      delivered = { inviteCode, dmMessageId: message.id };
    } catch (error) {
      if (!(error instanceof DiscordPermanentError)) throw error; // transient: retried, the saved code is reused
      this.logger.warn({
        msg: 'Invite DM refused; the invite code is recorded on the operation',
        operationId: operation.operationId,
        error: error.message,
      });
      delivered = { inviteCode, dmError: error.message };
    }
    await this.recorder.saveProgress(operation, delivered);
    return delivered;
  }
}
