import { Injectable } from '@nestjs/common';
import { OrderSnapshot, ThreadEntityType } from '@discord-backbone/contracts';
import type { DiscordThreadLink } from '@discord-backbone/prisma';
import { DiscordThreadStatus, PrismaTx } from '@discord-backbone/prisma';
import { DiscordQueueProducer } from './discord-queue.producer';
import { EntityNotFoundException } from './order-threads.errors';

/** What an order or offer session needs to get a thread. */
export interface ThreadSubject {
  entityType: ThreadEntityType;
  snapshot: OrderSnapshot;
  customerId: string;
  assignedId: string | null;
  contractorId: string | null;
  communityId: string | null;
}

/**
 * Decides, in the transaction that creates an order or offer session, whether it gets a Discord
 * thread: with the contractor's or community's Discord configuration, `create_thread` is staged
 * and the link is `queued`; without it, the link records `not_configured` and nothing is sent.
 */
@Injectable()
export class OrderThreadService {
  constructor(private readonly producer: DiscordQueueProducer) {}

  async requestThread(tx: PrismaTx, subject: ThreadSubject): Promise<DiscordThreadLink> {
    const key = { entityType: subject.entityType, entityId: subject.snapshot.order_id };
    const target = await this.target(tx, subject);
    if (!this.producer.isConfigured()) {
      return tx.discordThreadLink.create({
        data: { ...key, status: DiscordThreadStatus.not_configured, error: 'DISCORD_QUEUE_URL is not configured' },
      });
    }
    if (!target.channelId || !target.guildId) {
      return tx.discordThreadLink.create({
        data: {
          ...key,
          status: DiscordThreadStatus.not_configured,
          error: `${target.owner} has no Discord server and thread channel configured`,
        },
      });
    }
    const users = await tx.user.findMany({
      where: { id: { in: [subject.customerId, ...(subject.assignedId ? [subject.assignedId] : [])] } },
      select: { id: true, discordUserId: true },
    });
    const discordIdOf = (id: string | null) => users.find((u) => u.id === id)?.discordUserId ?? null;
    const members = [...new Set(users.map((u) => u.discordUserId).filter((d): d is string => d !== null))];
    const unlinked = users.filter((u) => u.discordUserId === null).map((u) => u.id);

    const request = {
      serverId: target.guildId,
      channelId: target.channelId,
      members,
      order: subject.snapshot,
      customerDiscordId: discordIdOf(subject.customerId),
    };
    if (subject.entityType === 'order') await this.producer.createThread(tx, request);
    else await this.producer.createOfferThread(tx, request);
    return tx.discordThreadLink.create({
      // Users without a linked Discord account cannot be added; the link says who.
      data: {
        ...key,
        status: DiscordThreadStatus.queued,
        ...(unlinked.length > 0 ? { details: { unlinked_users: unlinked } } : {}),
      },
    });
  }

  /** 404 unless the contractor or community an order is placed with exists: checked before anything is written. */
  async assertPlacement(tx: PrismaTx, placement: Pick<ThreadSubject, 'contractorId' | 'communityId'>): Promise<void> {
    await this.target(tx, placement);
  }

  private async target(
    tx: PrismaTx,
    subject: Pick<ThreadSubject, 'contractorId' | 'communityId'>,
  ): Promise<{ owner: string; guildId: string | null; channelId: string | null }> {
    if (subject.contractorId) {
      const contractor = await tx.contractor.findUnique({ where: { id: subject.contractorId } });
      if (!contractor) throw new EntityNotFoundException('Contractor', subject.contractorId);
      return {
        owner: `Contractor ${contractor.id}`,
        guildId: contractor.discordGuildId,
        channelId: contractor.discordThreadChannelId,
      };
    }
    const community = await tx.community.findUnique({ where: { id: subject.communityId! } });
    if (!community) throw new EntityNotFoundException('Community', subject.communityId!);
    return {
      owner: `Community ${community.id}`,
      guildId: community.discordGuildId,
      channelId: community.discordThreadChannelId,
    };
  }
}
