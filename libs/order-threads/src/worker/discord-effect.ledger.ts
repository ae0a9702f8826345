import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@discord-backbone/prisma';

/**
 * Results of Discord effects that have no natural key (a posted message), stored once done:
 * a redelivered request answers from here instead of acting again. The window between the
 * effect and its record is covered by Discord's message nonce (see discordNonce).
 */
@Injectable()
export class DiscordEffectLedger {
  constructor(private readonly prisma: PrismaService) {}

  async once<T extends Prisma.InputJsonObject>(key: string, effect: () => Promise<T>): Promise<T> {
    const done = await this.prisma.discordEffect.findUnique({ where: { key } });
    if (done) return done.result as T;
    const result = await effect();
    await this.prisma.discordEffect.createMany({ data: [{ key, result }], skipDuplicates: true });
    return result;
  }
}
