import { Injectable } from '@nestjs/common';
import { ThreadEntityType } from '@app/contracts';
import { PrismaService } from '@app/prisma';

/** A Phase 4 request arrived before its thread exists: transient, the thread is on its way (or fails and says so). */
export class ThreadNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = ThreadNotReadyError.name;
  }
}

/** The bot's thread for an order or offer session, from its create_thread progress. */
@Injectable()
export class ThreadLookup {
  constructor(private readonly prisma: PrismaService) {}

  async threadOf(entityType: ThreadEntityType, entityId: string): Promise<string> {
    const threadId = await this.existingThread(entityType, entityId);
    if (!threadId) throw new ThreadNotReadyError(`The ${entityType} ${entityId} has no Discord thread yet`);
    return threadId;
  }

  /** The thread, if one was created (a failed create_thread may still have created it). */
  async existingThread(entityType: ThreadEntityType, entityId: string): Promise<string | null> {
    const creation = await this.prisma.threadCreation.findUnique({ where: { entityType_entityId: { entityType, entityId } } });
    return creation?.threadId ?? null;
  }
}
