import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CreateUserDto, LinkDiscordAccountDto } from './account-link.dto';
import { AccountLinkService, LinkResult } from './account-link.service';

@Controller('users')
export class AccountLinkController {
  constructor(private readonly accounts: AccountLinkService) {}

  @Post()
  createUser(@Body() body: CreateUserDto) {
    return this.accounts.createUser(body.username);
  }

  /** Links a Discord account; everything awarded to it while unlinked becomes the user's. */
  @Post(':userId/discord-link')
  @HttpCode(200)
  link(@Param('userId') userId: string, @Body() body: LinkDiscordAccountDto): Promise<LinkResult> {
    return this.accounts.link(userId, body.discordUserId, body.discordAccessToken);
  }
}
