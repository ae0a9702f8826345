import { Controller, Get, Param } from '@nestjs/common';
import { BotOperationsQuery } from './bot-operations.query';

@Controller('bot-operations')
export class BotOperationsController {
  constructor(private readonly operations: BotOperationsQuery) {}

  @Get(':id')
  get(@Param('id') id: string) {
    return this.operations.get(id);
  }
}
