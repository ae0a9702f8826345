import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { CampaignsQuery } from './campaigns.query';

/** For the marketplace backend and operators (service API key): a campaign's state without Discord. */
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsQuery) {}

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.campaigns.get(id);
  }
}
