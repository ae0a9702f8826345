import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { QueueContract, validationProblems } from '@discord-backbone/contracts';
import { MessageValidationError, UnknownMessageTypeError } from './errors';

/**
 * Parsed JSON → a validated payload instance, or a MessageValidationError that lists every
 * broken field. Unknown fields are rejected: producers must match the contract exactly.
 */
export function decodePayload<T extends object>(cls: ClassConstructor<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MessageValidationError('Message body must be a JSON object');
  }
  const payload = plainToInstance(cls, body);
  const errors = validateSync(payload, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new MessageValidationError(formatErrors(errors));
  return payload;
}

/** Message classes by the value of their discriminator field (a contract's class map). */
export type MessageClasses = Readonly<Record<string, ClassConstructor<object>>>;

/**
 * Decodes a message of a queue with several message types (a QueueContract, or its discriminator,
 * classes and what), the one way every consumer does it and the outbox and QueueSender validate:
 * a missing or non-string discriminator is a MessageValidationError, a value without a class an
 * UnknownMessageTypeError (`Unknown <what> "<value>"`; both dead-lettered at once), anything else
 * is validated by its class.
 */
export function decodeByType<M extends object>(body: unknown, contract: QueueContract<M>): M;
export function decodeByType<C extends MessageClasses>(
  body: unknown,
  contract: { discriminator: string; classes: C; what: string },
): InstanceType<C[keyof C]>;
export function decodeByType(
  body: unknown,
  contract: { discriminator: string; classes: MessageClasses; what: string },
): object {
  const { discriminator, classes, what } = contract;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new MessageValidationError('Message body must be a JSON object');
  const type = (body as Record<string, unknown>)[discriminator];
  if (typeof type !== 'string')
    throw new MessageValidationError(`${discriminator} must be one of ${Object.keys(classes).join(', ')}`);
  // Own keys only: `toString` or `__proto__` is not a message type.
  if (!Object.hasOwn(classes, type))
    throw new UnknownMessageTypeError(`Unknown ${what} ${JSON.stringify(type.slice(0, 64))}`);
  return decodePayload(classes[type], body);
}

/** Every broken field with its path (`payload.order.order_id: …`), nested objects included. */
function formatErrors(errors: ValidationError[]): string {
  return validationProblems(errors)
    .map(({ path, messages }) => `${path}: ${messages.join(', ') || 'invalid value'}`)
    .join('; ');
}
