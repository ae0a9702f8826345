import { ConflictException, Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/prisma';
import { CreateSubscriptionChannelDto } from './bot-operations.dto';

/** The Discord channels sold by subscription, and how access to each is given. */
@Injectable()
export class SubscriptionChannelsService {
  constructor(private readonly prisma: PrismaService) {}

  async create(dto: CreateSubscriptionChannelDto) {
    try {
      return await this.prisma.subscriptionChannel.create({
        data: { channelId: dto.channelId, guildId: dto.guildId, roleId: dto.roleId ?? null, kickOnRemove: dto.kickOnRemove ?? false },
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictException(`Channel ${dto.channelId} is already a subscription channel`);
      }
      throw error;
    }
  }
}
