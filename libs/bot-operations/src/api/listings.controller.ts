import { Body, Controller, Get, Param, Post, UseFilters } from '@nestjs/common';
import { BotOperationRejectedFilter } from './bot-operation-rejected.filter';
import { CreateListingDto } from './bot-operations.dto';
import { ListingsService } from './listings.service';

@Controller('listings')
@UseFilters(BotOperationRejectedFilter)
export class ListingsController {
  constructor(private readonly listings: ListingsService) {}

  @Post()
  create(@Body() body: CreateListingDto) {
    return this.listings.create(body);
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.listings.get(id);
  }
}
