import { Module } from '@nestjs/common';
import { AccountLinkController } from './account-link.controller';
import { PrizesModule } from './prizes.module';

/** The API side: create users and link Discord accounts (claiming pending prizes). */
@Module({
  imports: [PrizesModule],
  controllers: [AccountLinkController],
})
export class AccountLinkModule {}
