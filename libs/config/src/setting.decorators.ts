import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** Environment strings to typed values; anything unrecognised is left as is for the validator to name. */
const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  if (value === '') return undefined;
  const word = value.toLowerCase();
  return ['true', '1', 'yes'].includes(word) ? true : ['false', '0', 'no'].includes(word) ? false : value;
};
const toInt = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  if (value === '') return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : value;
};
export const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : value;
/** A table name of the host's (`table` or `schema.table`, unquoted; the libraries quote it). */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;
/** One of the host's tables the table contract names; unset (or empty) = this repository's own table. */
export const HostTable = (): PropertyDecorator => (target, key) => {
  Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))(target, key);
  IsOptional()(target, key);
  Matches(TABLE_NAME, { message: '$property must be a table name: "table" or "schema.table"' })(target, key);
};

/** A whole number from the environment within [min, max] (its bounds stated beside each setting). */
export const IntSetting =
  (min: number, max: number): PropertyDecorator =>
  (target, key) => {
    // The order of the decorators this stood for (applied bottom-up): the same messages in the same order.
    Max(max)(target, key);
    Min(min)(target, key);
    IsInt()(target, key);
    Transform(toInt)(target, key);
  };

/** A flag from the environment: true/1/yes or false/0/no, any case. */
export const BooleanSetting = (): PropertyDecorator => (target, key) => {
  IsBoolean()(target, key);
  Transform(toBoolean)(target, key);
};
