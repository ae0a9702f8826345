import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { AccountLinkService, type LinkResult } from '@discord-backbone/prizes';

interface LinkBody {
  discordUserId: string;
  /** A Discord OAuth2 access token (scope identify) proving the account is the user's. */
  discordAccessToken?: string;
}

/**
 * Our users link their Discord account through the backbone's AccountLinkService: it sets
 * discord_id (through the discord_accounts view) and, in the same transaction, claims everything
 * awarded to that account while it was unlinked into our inventory and characters.
 */
@Controller('users')
export class AccountsController {
  constructor(private readonly accountLinks: AccountLinkService) {}

  @Post(':id/discord-link')
  @HttpCode(200)
  link(@Param('id') id: string, @Body() body: LinkBody): Promise<LinkResult> {
    return this.accountLinks.link(id, body.discordUserId, body.discordAccessToken);
  }
}
