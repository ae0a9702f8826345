import { Injectable } from '@nestjs/common';
import type { DiscordThreadLink, OfferSession } from '@discord-backbone/prisma';
import { PrismaService } from '@discord-backbone/prisma';
import { OrderThreadService } from './order-thread.service';
import { EntityNotFoundException } from './order-threads.errors';
import { CreateOfferSessionDto } from './order.dto';
import { assertUsers } from './users.lookup';

export interface OfferSessionView extends OfferSession {
  discordThread: DiscordThreadLink | null;
}

/** Offer sessions get a thread like orders do (`createOfferThread`). */
@Injectable()
export class OfferSessionsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly threads: OrderThreadService,
  ) {}

  async create(dto: CreateOfferSessionDto): Promise<OfferSessionView> {
    const id = await this.prisma.$transaction(async (tx) => {
      await assertUsers(tx, [dto.customerId, dto.assignedId]);
      await this.threads.assertPlacement(tx, {
        contractorId: dto.contractorId ?? null,
        communityId: dto.contractorId ? null : (dto.communityId ?? null),
      });
      const session = await tx.offerSession.create({
        data: {
          customerId: dto.customerId,
          assignedId: dto.assignedId ?? null,
          contractorId: dto.contractorId ?? null,
          communityId: dto.contractorId ? null : (dto.communityId ?? null),
        },
      });
      await this.threads.requestThread(tx, {
        entityType: 'offer_session',
        customerId: session.customerId,
        assignedId: session.assignedId,
        contractorId: session.contractorId,
        communityId: session.communityId,
        snapshot: {
          order_id: session.id,
          customer_id: session.customerId,
          assigned_id: session.assignedId,
          status: session.status,
          kind: 'offer_session',
          created_at: session.createdAt.toISOString(),
        },
      });
      return session.id;
    });
    return this.get(id);
  }

  async get(id: string): Promise<OfferSessionView> {
    const session = await this.prisma.offerSession.findUnique({ where: { id } });
    if (!session) throw new EntityNotFoundException('Offer session', id);
    const discordThread = await this.prisma.discordThreadLink.findUnique({
      where: { entityType_entityId: { entityType: 'offer_session', entityId: id } },
    });
    return { ...session, discordThread };
  }
}
