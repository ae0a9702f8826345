import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { PrismaService } from '@discord-backbone/prisma';
import { ACCOUNT_LINK_OPTIONS, AccountLinkOptions } from './account-link.options';
import { lockDiscordAccounts } from './discord-account.lock';
import { PendingOwnershipService } from './pending-ownership.service';
import { PrizeTables } from './prize.tables';

const UNIQUE_VIOLATION = '23505';

export interface LinkResult {
  userId: string;
  discordUserId: string;
  /** True when Discord confirmed, through the user's OAuth2 token, that the account is theirs. */
  verified: boolean;
  claimed: { items: number; characters: number };
}

@Injectable()
export class AccountLinkService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pendingOwnership: PendingOwnershipService,
    private readonly moduleRef: ModuleRef,
    @Inject(ACCOUNT_LINK_OPTIONS) private readonly options: AccountLinkOptions,
    private readonly tables: PrizeTables,
  ) {}

  createUser(username: string) {
    return this.prisma.user.create({ data: { username } });
  }

  /**
   * Links a Discord account and claims everything pending for it, in one transaction. With an
   * OAuth2 access token the account is proven to be the caller's; without one (allowed unless
   * ACCOUNT_LINK_REQUIRE_DISCORD_TOKEN) the caller vouches for it.
   */
  async link(userId: string, discordUserId: string, accessToken?: string): Promise<LinkResult> {
    const verified = await this.verifyOwnership(discordUserId, accessToken);
    // Plain SQL (the claim shares ItemsService.addHoldings with the prize consumer's hot path);
    // every statement is bounded by DATABASE_STATEMENT_TIMEOUT_MS, and claims go in chunks.
    try {
      return await this.prisma.sqlTransaction(async (sql) => {
        const [user] = await sql.query<{ discord_user_id: string | null }>(
          `SELECT discord_user_id FROM ${this.tables.users} WHERE id = $1`,
          [userId],
        );
        if (!user) throw new NotFoundException(`User ${userId} not found`);
        if (user.discord_user_id && user.discord_user_id !== discordUserId) {
          throw new ConflictException(`User ${userId} is already linked to another Discord account`);
        }
        await lockDiscordAccounts(sql, [discordUserId]);
        // Conditional: a concurrent link of this user to another account must not be overwritten.
        const linked = await sql.execute(
          `UPDATE ${this.tables.users} SET discord_user_id = $1 WHERE id = $2 AND (discord_user_id IS NULL OR discord_user_id = $1)`,
          [discordUserId, userId],
        );
        if (linked === 0) throw new ConflictException(`User ${userId} is already linked to another Discord account`);
        const claimed = await this.pendingOwnership.claimAll(sql, userId, discordUserId);
        return { userId, discordUserId, verified, claimed };
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION)
        throw new ConflictException(`Discord account ${discordUserId} is already linked to another user`);
      throw error;
    }
  }

  private async verifyOwnership(discordUserId: string, accessToken: string | undefined): Promise<boolean> {
    if (accessToken === undefined) {
      if (this.options.requireDiscordToken) {
        throw new BadRequestException(
          'discordAccessToken is required: a Discord OAuth2 access token (scope identify) of the account being linked',
        );
      }
      return false;
    }
    // Discord's REST client is imported when a token is to be checked, not with this module: a
    // worker that only consumes prizes (the same module, consumer role) never loads it (~18 MiB).
    const { DiscordOAuthTokenRejectedError, DiscordRestClient } = await import('@discord-backbone/discord');
    let owner: string;
    try {
      owner = (await this.moduleRef.get(DiscordRestClient, { strict: false }).getOAuthUser(accessToken)).id;
    } catch (error) {
      if (error instanceof DiscordOAuthTokenRejectedError)
        throw new ForbiddenException(
          'Discord rejected discordAccessToken (expired, revoked or not an OAuth2 access token)',
        );
      throw error; // Discord unreachable or rate limited: 503 from the API's error filter
    }
    if (owner !== discordUserId)
      throw new ForbiddenException(`discordAccessToken belongs to another Discord account than ${discordUserId}`);
    return true;
  }
}
