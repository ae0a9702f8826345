import { Module } from '@nestjs/common';
import { Environment } from '@discord-backbone/config';
import { ACCOUNT_LINK_OPTIONS, AccountLinkOptions } from './account-link.options';
import { AccountLinkService } from './account-link.service';
import { AccountLinkController } from './account-link.controller';
import { PrizesModule } from './prizes.module';

/** The API side: create users and link Discord accounts (claiming pending prizes). Needs a global DiscordRestClient. */
@Module({
  imports: [PrizesModule],
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
