import { Module } from '@nestjs/common';
import { Environment } from '@discord-backbone/config';
import { ACCOUNT_LINK_OPTIONS, AccountLinkOptions } from './account-link.options';
import { AccountLinkService } from './account-link.service';
import { AccountLinkController } from './account-link.controller';

/** The API side: create users and link Discord accounts (claiming pending prizes). Needs PrizesModule.forRoot() and a global DiscordRestClient. */
@Module({
  controllers: [AccountLinkController],
  providers: [
    {
      provide: ACCOUNT_LINK_OPTIONS,
      inject: [Environment],
      useFactory: (env: Environment): AccountLinkOptions => ({ requireDiscordToken: env.ACCOUNT_LINK_REQUIRE_DISCORD_TOKEN }),
    },
    AccountLinkService,
  ],
})
export class AccountLinkModule {}
