import type { RoleSides } from '@discord-backbone/queue';
import { AccountLinkController } from './account-link.controller';
import { ACCOUNT_LINK_OPTIONS, AccountLinkOptions } from './account-link.options';
import { AccountLinkService } from './account-link.service';
import { PRIZE_DOMAIN_EXPORTS, PRIZE_DOMAIN_PROVIDERS } from './prize-domain.providers';
import { PRIZES_OPTIONS, PrizesOptions } from './prizes.options';

/** The producer side: create users and link Discord accounts, which claims their pending prizes. */
export const PRIZES_PRODUCER: RoleSides['producer'] = {
  controllers: [AccountLinkController],
  providers: [
    ...PRIZE_DOMAIN_PROVIDERS,
    {
      provide: ACCOUNT_LINK_OPTIONS,
      inject: [PRIZES_OPTIONS],
      useFactory: (o: PrizesOptions): AccountLinkOptions => ({ requireDiscordToken: o.requireDiscordToken ?? false }),
    },
    AccountLinkService,
  ],
  exports: [...PRIZE_DOMAIN_EXPORTS, AccountLinkService],
};
