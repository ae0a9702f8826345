import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { MessageValidationError } from './errors';

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

/** Every broken field with its path (`payload.order.order_id: …`), nested objects included. */
function formatErrors(errors: ValidationError[], parent = ''): string {
  return errors
    .map((e) => {
      const path = parent ? `${parent}.${e.property}` : e.property;
      const own = e.constraints ? [`${path}: ${Object.values(e.constraints).join(', ')}`] : [];
      const nested = e.children?.length ? [formatErrors(e.children, path)] : [];
      return [...own, ...nested].join('; ') || `${path}: invalid value`;
    })
    .join('; ');
}
