import { Injectable, Logger } from '@nestjs/common';
import { BotOperation, BotOperationResult, BotOperationType } from '@discord-backbone/contracts';
import { BotOperationStatus, Prisma, PrismaService } from '@discord-backbone/prisma';
import { DeadLetterFailure, describeError } from '@discord-backbone/queue';

/**
 * Writes each operation's outcome on its BotOperation row, for the API to show. Every write
 * is a plain overwrite keyed by the operation id, so recording a redelivered operation again
 * is harmless. A row the API never created (a message replayed into another environment) is
 * created from the message.
 */
@Injectable()
export class BotOperationRecorder {
  private readonly logger = new Logger(BotOperationRecorder.name);

  constructor(private readonly prisma: PrismaService) {}

  /** Progress saved so far by an earlier attempt (see InviteDelivery). */
  async progress(operationId: string): Promise<Partial<BotOperationResult>> {
    const row = await this.prisma.botOperation.findUnique({ where: { id: operationId }, select: { result: true } });
    return (row?.result ?? {}) as Partial<BotOperationResult>;
  }

  async saveProgress(operation: BotOperation, progress: Partial<BotOperationResult>): Promise<void> {
    const result = { ...(await this.progress(operation.operationId)), ...progress } as Prisma.InputJsonObject;
    await this.prisma.botOperation.upsert({
      where: { id: operation.operationId },
      create: { ...rowOf(operation), result },
      update: { result },
    });
  }

  async done(operation: BotOperation, result: BotOperationResult, attempts: number): Promise<void> {
    const data = {
      status: BotOperationStatus.done,
      result: result as unknown as Prisma.InputJsonObject,
      attempts,
      error: null,
      completedAt: new Date(),
    };
    await this.prisma.botOperation.upsert({
      where: { id: operation.operationId },
      create: { ...rowOf(operation), ...data },
      update: data,
    });
  }

  /** The last transient failure, while the operation waits for its retry. Best effort: the retry matters, not this note. */
  async attemptFailed(operation: BotOperation, attempts: number, error: unknown): Promise<void> {
    const { errorClass, message } = describeError(error);
    await this.prisma.botOperation
      .updateMany({
        where: { id: operation.operationId, status: BotOperationStatus.queued },
        data: { attempts, error: `${errorClass}: ${message} (will retry)` },
      })
      .catch((recordError: unknown) =>
        this.logger.warn({
          msg: 'Could not record a failed attempt',
          operationId: operation.operationId,
          error: describeError(recordError).message,
        }),
      );
  }

  /** Dead-lettered: failed with the reason. `operationId` alone when the message could not be decoded. */
  async failed(
    operation: BotOperation | { operationId: string },
    failure: DeadLetterFailure,
    attempts: number,
  ): Promise<void> {
    const data = {
      status: BotOperationStatus.failed,
      error: `${failure.errorClass}: ${failure.message}`.slice(0, 2000),
      attempts,
      completedAt: new Date(),
    };
    if ('type' in operation) {
      await this.prisma.botOperation.upsert({
        where: { id: operation.operationId },
        create: { ...rowOf(operation), ...data },
        update: data,
      });
    } else {
      await this.prisma.botOperation.updateMany({ where: { id: operation.operationId }, data });
    }
  }
}

function rowOf(operation: BotOperation) {
  return {
    id: operation.operationId,
    type: operation.type,
    channelId: operation.channelId,
    discordUserId: operation.type === BotOperationType.VERIFY_PERMISSIONS ? null : operation.discordUserId,
    subscriptionId: operation.type === BotOperationType.VERIFY_PERMISSIONS ? null : operation.subscriptionId,
    listingId: operation.type === BotOperationType.VERIFY_PERMISSIONS ? (operation.listingId ?? null) : null,
    reason: operation.type === BotOperationType.REMOVE_USER ? operation.reason : null,
    createdAt: new Date(operation.createdAt),
  };
}
