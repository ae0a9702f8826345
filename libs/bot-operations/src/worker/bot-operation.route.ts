import { Injectable } from '@nestjs/common';
import {
  BOT_OPERATIONS_QUEUE,
  BotOperation,
  BotOperationResult,
  BotOperationType,
  QueueName,
} from '@discord-backbone/contracts';
import {
  classifyError,
  DeadLetterFailure,
  decodeByType,
  dispatchByType,
  EffectContext,
  EffectRoute,
  HandlersByType,
  idFromBody,
  RetriesExhaustedError,
  RetryLaterError,
} from '@discord-backbone/queue';
import { BotOperationRecorder } from './bot-operation.recorder';
import { InviteUserHandler } from './invite-user.handler';
import { RemoveUserHandler } from './remove-user.handler';
import { VerifyPermissionsHandler } from './verify-permissions.handler';

/**
 * How bot operations are decoded and routed by `type`, and where their outcome is recorded.
 * The pipeline (processEffects) does the rest: FIFO group order, retries with backoff through the
 * visibility timeout, the DLQ with the reason. Errors keep their meaning: Discord's rate limit
 * is retried after its retry-after, outages and 5xx with backoff, refusals (missing permissions,
 * unknown user or channel) and undecodable or unknown operations go to the DLQ at once.
 */
@Injectable()
export class BotOperationRoute implements EffectRoute<BotOperation> {
  readonly consumer = QueueName.BOT_OPERATIONS;
  // Exhaustive by type: adding an operation type without a handler does not compile.
  private readonly handlers: HandlersByType<BotOperation, 'type', [], Promise<BotOperationResult>>;

  constructor(
    invite: InviteUserHandler,
    remove: RemoveUserHandler,
    private readonly verify: VerifyPermissionsHandler,
    private readonly recorder: BotOperationRecorder,
  ) {
    this.handlers = {
      [BotOperationType.INVITE_USER]: (operation) => invite.handle(operation),
      [BotOperationType.REMOVE_USER]: (operation) => remove.handle(operation),
      [BotOperationType.VERIFY_PERMISSIONS]: (operation) => verify.handle(operation),
    };
  }

  decode(body: unknown): BotOperation {
    return decodeByType(body, BOT_OPERATIONS_QUEUE);
  }

  typeOf(operation: BotOperation): string {
    return operation.type;
  }

  /** `attempt` counts real attempts only: rate-limit waits and FIFO hand-backs do not use up retries. */
  async handle(operation: BotOperation, { attempt }: EffectContext): Promise<void> {
    let result: BotOperationResult;
    try {
      result = await dispatchByType(this.handlers, 'type', operation);
    } catch (error) {
      if (classifyError(error) !== 'transient' || error instanceof RetryLaterError) throw error;
      // The operation's own limit, when it asked for fewer attempts than the queue allows.
      if (attempt > operation.maxRetries) throw new RetriesExhaustedError(error, attempt);
      await this.recorder.attemptFailed(operation, attempt, error);
      throw error;
    }
    await this.recorder.done(operation, result, attempt);
  }

  /** Records the failure before the message goes to the DLQ; throwing keeps it on the queue. */
  async onDeadLetter(
    operation: BotOperation | undefined,
    failure: DeadLetterFailure,
    { message, attempt }: EffectContext,
  ): Promise<void> {
    if (!operation) {
      // Undecodable, but the row can still show why if the body names its operation.
      const operationId = idFromBody(message.Body, 'operationId');
      if (operationId) await this.recorder.failed({ operationId }, failure, attempt);
      return;
    }
    // The listing first: whoever sees the operation failed (GET /bot-operations/:id) sees its listing failed too.
    if (operation.type === BotOperationType.VERIFY_PERMISSIONS) await this.verify.recordFailure(operation);
    await this.recorder.failed(operation, failure, attempt);
  }
}
