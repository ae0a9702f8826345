import type { ClassConstructor } from 'class-transformer';
import type { QueueName } from './queues.table';

/**
 * A queue's messages as both sides see them: the queue, the field naming a message's type and the
 * class that validates each type. Producers stage or send through it (the message is validated
 * before it leaves), consumers decode through it (`decodeByType(body, contract)`).
 */
export interface QueueContract<M extends object = object> {
  readonly queue: QueueName;
  readonly discriminator: keyof M & string;
  readonly classes: Readonly<Record<string, ClassConstructor<object>>>;
  /** What a value of the discriminator is called in errors ("bot operation type"). */
  readonly what: string;
  /**
   * Message attributes besides the trace context; the message's type under the discriminator's name
   * (`type: create_thread`) unless given.
   */
  attributes?(message: M): Record<string, string | number>;
}

/**
 * A queue fed through the transactional outbox: its messages also name their ordering key. Messages
 * with the same key leave the outbox in the order they were staged; a key never waits behind another.
 * The key is global across the outbox's destinations, so it starts with what it orders (the queue, or
 * the order or offer session).
 */
export interface OutboxQueueContract<M extends object = object> extends QueueContract<M> {
  orderingKey(message: M): string;
}

/** The attributes a message is sent with (trace context aside): the contract's, or its type. */
export function messageAttributes<M extends object>(
  contract: QueueContract<M>,
  message: M,
): Record<string, string | number> {
  if (contract.attributes) return contract.attributes(message);
  return { [contract.discriminator]: String(message[contract.discriminator]) };
}
