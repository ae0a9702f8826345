import type { Message } from '@aws-sdk/client-sqs';
import type { PrismaTx } from '@app/prisma';

/** What a consumer tells the pipeline about its messages; the pipeline does everything else. */
export interface MessageRoute<TPayload> {
  /** Consumer name, as in ConsumerSettings and @SqsMessageHandler. */
  readonly consumer: string;
  /** Validated payload from parsed JSON; throws a PermanentError when the contract is broken. */
  decode(body: unknown): TPayload;
  /** Key that identifies the effect, so a redelivered or resent message applies once. */
  idempotencyKey(payload: TPayload, message: Message): string;
  /** Message type for spans and logs. */
  typeOf(payload: TPayload): string;
  /** Domain effect, inside the transaction that also records the message as processed. */
  apply(payload: TPayload, tx: PrismaTx): Promise<void>;
}
