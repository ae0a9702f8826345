import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { RequiresScope } from '@discord-backbone/auth';
import type { Contractor } from '@discord-backbone/prisma';
import { PrismaService } from '@discord-backbone/prisma';
import { EntityNotFoundException } from './order-threads.errors';
import { CreateContractorDto } from './order.dto';

/** Contractors and their Discord configuration (guild + the channel threads are created under): admin keys only. */
@Controller('contractors')
@RequiresScope('admin')
export class ContractorsController {
  constructor(private readonly prisma: PrismaService) {}

  @Post()
  create(@Body() body: CreateContractorDto): Promise<Contractor> {
    return this.prisma.contractor.create({ data: body });
  }

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<Contractor> {
    const contractor = await this.prisma.contractor.findUnique({ where: { id } });
    if (!contractor) throw new EntityNotFoundException('Contractor', id);
    return contractor;
  }
}
