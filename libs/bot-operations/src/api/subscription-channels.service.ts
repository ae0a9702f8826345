import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@discord-backbone/prisma';
import { NotFoundError } from '@discord-backbone/queue';
import { SubscriptionRoleCheck, UnsafeSubscriptionRoleError } from '../subscription-role.check';
import { CreateSubscriptionChannelDto } from './bot-operations.dto';

/** The Discord channels sold by subscription, and how access to each is given. */
@Injectable()
export class SubscriptionChannelsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly roles: SubscriptionRoleCheck,
  ) {}

  /** A role is checked with Discord first: one carrying moderator permissions is refused (400). */
  async create(dto: CreateSubscriptionChannelDto) {
    if (dto.roleId) {
      try {
        await this.roles.assertSafe(dto.guildId, dto.roleId);
      } catch (error) {
        if (error instanceof UnsafeSubscriptionRoleError || error instanceof NotFoundError)
          throw new BadRequestException(error.message);
        throw error;
      }
    }
    try {
      return await this.prisma.subscriptionChannel.create({
        data: {
          channelId: dto.channelId,
          guildId: dto.guildId,
          roleId: dto.roleId ?? null,
          kickOnRemove: dto.kickOnRemove ?? false,
        },
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictException(`Channel ${dto.channelId} is already a subscription channel`);
      }
      throw error;
    }
  }
}
