import { Injectable, NotFoundException } from '@nestjs/common';
import { PrismaService } from '@discord-backbone/prisma';

/** Bot operations as the API shows them: queued, done (with the result) or failed (with the reason). */
@Injectable()
export class BotOperationsQuery {
  constructor(private readonly prisma: PrismaService) {}

  async get(id: string) {
    const operation = await this.prisma.botOperation.findUnique({ where: { id } });
    if (!operation) throw new NotFoundException(`Bot operation ${id} not found`);
    return operation;
  }
}
