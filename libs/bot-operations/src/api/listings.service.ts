import { Injectable, NotFoundException } from '@nestjs/common';
import { PrismaService } from '@discord-backbone/prisma';
import { CreateListingDto } from './bot-operations.dto';
import { BotQueueProducer } from './bot-queue.producer';

/**
 * Listings of subscription channels. A new listing starts with its permission check pending
 * and queues it: the bot's permissions in the channel are verified before anything is sold.
 */
@Injectable()
export class ListingsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly producer: BotQueueProducer,
  ) {}

  create(dto: CreateListingDto) {
    return this.prisma.$transaction(async (tx) => {
      const channel = await tx.subscriptionChannel.findUnique({ where: { channelId: dto.channelId } });
      if (!channel) throw new NotFoundException(`Channel ${dto.channelId} is not a subscription channel`);
      const listing = await tx.listing.create({ data: { title: dto.title, channelId: dto.channelId } });
      const operation = await this.producer.enqueueVerifyPermissions(tx, {
        channelId: dto.channelId,
        listingId: listing.id,
      });
      return { listing, operation };
    });
  }

  async get(id: string) {
    const listing = await this.prisma.listing.findUnique({ where: { id } });
    if (!listing) throw new NotFoundException(`Listing ${id} not found`);
    const operations = await this.prisma.botOperation.findMany({
      where: { listingId: id },
      orderBy: { createdAt: 'asc' },
    });
    return { ...listing, operations };
  }
}
