import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Prisma, PrismaService } from '@app/prisma';
import { lockDiscordAccounts } from './discord-account.lock';
import { PendingOwnershipService } from './pending-ownership.service';

export interface LinkResult {
  userId: string;
  discordUserId: string;
  claimed: { items: number; characters: number };
}

@Injectable()
export class AccountLinkService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pendingOwnership: PendingOwnershipService,
  ) {}

  createUser(username: string) {
    return this.prisma.user.create({ data: { username } });
  }

  /** Links a Discord account and claims everything pending for it, in one transaction. */
  async link(userId: string, discordUserId: string): Promise<LinkResult> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const user = await tx.user.findUnique({ where: { id: userId } });
        if (!user) throw new NotFoundException(`User ${userId} not found`);
        if (user.discordUserId && user.discordUserId !== discordUserId) {
          throw new ConflictException(`User ${userId} is already linked to another Discord account`);
        }
        await lockDiscordAccounts(tx, [discordUserId]);
        // Conditional: a concurrent link of this user to another account must not be overwritten.
        const { count } = await tx.user.updateMany({
          where: { id: userId, OR: [{ discordUserId: null }, { discordUserId }] },
          data: { discordUserId },
        });
        if (count === 0) throw new ConflictException(`User ${userId} is already linked to another Discord account`);
        const claimed = await this.pendingOwnership.claimAll(tx, userId, discordUserId);
        return { userId, discordUserId, claimed };
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictException(`Discord account ${discordUserId} is already linked to another user`);
      }
      throw error;
    }
  }
}
