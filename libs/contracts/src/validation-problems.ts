import type { ValidationError } from 'class-validator';

/** One broken field: its path (`discord_bots[1].token_env`, `payload.order_id`) and what class-validator says of it. */
export interface ValidationProblem {
  path: string;
  /** Empty where class-validator names the field without saying why. */
  messages: string[];
}

/**
 * class-validator's error tree as a flat list, each field with its full path (array elements as
 * `[n]`), a field's own messages before its children's; the one reading of validation errors that
 * message decoding, the environment and the relay's file each format in their own words.
 */
export function validationProblems(errors: readonly ValidationError[], parent = ''): ValidationProblem[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const messages = Object.values(error.constraints ?? {});
    const nested = validationProblems(error.children ?? [], path);
    return messages.length > 0 || nested.length === 0 ? [{ path, messages }, ...nested] : nested;
  });
}
