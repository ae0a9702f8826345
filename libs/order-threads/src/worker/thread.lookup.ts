import { Injectable } from '@nestjs/common';
import { ThreadEntityType } from '@discord-backbone/contracts';
import { PrismaService } from '@discord-backbone/prisma';
import { RetryLaterError } from '@discord-backbone/queue';

/** Seconds a Phase 4 request waits for its thread before looking again. */
const THREAD_WAIT_SECONDS = 15;

/**
 * A Phase 4 request arrived before its thread exists: a wait, not a failure — create_thread may
 * itself be waiting on a rate limit. Bounded by the queue's receive count (20 × 15 s by default),
 * after which the request is dead-lettered and answered with an error.
 */
export class ThreadNotReadyError extends RetryLaterError {
  constructor(message: string) {
    super(message, THREAD_WAIT_SECONDS);
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
    const creation = await this.prisma.threadCreation.findUnique({
      where: { entityType_entityId: { entityType, entityId } },
    });
    return creation?.threadId ?? null;
  }
}
