import { InvalidArgumentError } from 'commander';
import { MAX_MOVE_TASK_RATE } from '@discord-backbone/dlq';

/** A whole number from 1 to `max`, for the option `name`. */
export const positiveInt = (name: string, max: number) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
  return Number(value);
};

/** `--rate`: messages per second (`50` or `50/s`), up to SQS's own cap. */
export const rate = (value: string) => {
  const match = /^(\d+)(\/s)?$/.exec(value);
  const n = match ? Number(match[1]) : NaN;
  if (!(n >= 1 && n <= MAX_MOVE_TASK_RATE))
    throw new InvalidArgumentError(
      `--rate must be messages per second from 1 to ${MAX_MOVE_TASK_RATE} (SQS's own cap), e.g. 50/s`,
    );
  return n;
};
