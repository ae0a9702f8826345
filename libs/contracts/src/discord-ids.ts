import { buildMessage, ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Discord snowflakes as Discord writes them: 17–20 decimal digits, no leading zero, at most
 * 2^64 − 1. Usernames, mentions and padded numbers are refused.
 */
export const SNOWFLAKE = /^[1-9]\d{16,19}$/;
const MAX_SNOWFLAKE = 2n ** 64n - 1n;

export function isSnowflake(value: unknown): value is string {
  return typeof value === 'string' && SNOWFLAKE.test(value) && BigInt(value) <= MAX_SNOWFLAKE;
}

/** class-validator: the property is a Discord ID (see isSnowflake); the message says what is expected. */
export function IsSnowflake(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSnowflake',
      validator: {
        validate: (value) => isSnowflake(value),
        defaultMessage: buildMessage((each) => `${each}$property must be a Discord ID of 17–20 digits`, options),
      },
    },
    options,
  );
}
