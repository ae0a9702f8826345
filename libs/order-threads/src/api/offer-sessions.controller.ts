import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { OfferSessionsService, OfferSessionView } from './offer-sessions.service';
import { CreateOfferSessionDto } from './order.dto';

@Controller('offer-sessions')
export class OfferSessionsController {
  constructor(private readonly sessions: OfferSessionsService) {}

  @Post()
  create(@Body() body: CreateOfferSessionDto): Promise<OfferSessionView> {
    return this.sessions.create(body);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<OfferSessionView> {
    return this.sessions.get(id);
  }
}
