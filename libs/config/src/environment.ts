import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min, ValidateIf, validateSync } from 'class-validator';

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
const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * Every setting the apps read, validated once at start-up. Defaults are the spec's
 * (prize-distribution-consumer.md "Queue Parameters"); everything is overridable by environment.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsString()
  @Transform(({ value }) => (typeof value === 'string' && value.length > 0 ? value : undefined))
  DATABASE_URL!: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  PORT?: number;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsString()
  AWS_REGION = 'us-east-1';

  /** The SDK's standard endpoint override; when set, calls go there instead of the queue URL's host. */
  @IsOptional() @IsUrl(URL_OPTIONS)
  AWS_ENDPOINT_URL_SQS?: string;

  @IsOptional() @IsUrl(URL_OPTIONS)
  AWS_ENDPOINT_URL?: string;

  @Transform(toBoolean) @IsBoolean()
  AWS_SQS_ENABLED = true;

  /** Prize queue; required only when the consumer is enabled. */
  @ValidateIf((env: Environment) => env.AWS_SQS_ENABLED)
  @IsUrl(URL_OPTIONS, { message: 'AWS_SQS_QUEUE_URL must be the prize queue URL (required while AWS_SQS_ENABLED is true)' })
  AWS_SQS_QUEUE_URL?: string;

  /** Dead-letter queue; when unset it is found through the source queue's redrive policy. */
  @IsOptional() @IsUrl(URL_OPTIONS)
  AWS_SQS_DLQ_URL?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(10)
  SQS_BATCH_SIZE = 5;

  @Transform(toInt) @IsInt() @Min(0) @Max(20)
  SQS_WAIT_TIME_SECONDS = 5;


  /** At least 3 s: the heartbeat extends it every third of it, at most once a second. */
  @Transform(toInt) @IsInt() @Min(3) @Max(43200)
  SQS_VISIBILITY_TIMEOUT = 30;

  /** Receives before a message is dead-lettered; must match the queue's redrive maxReceiveCount. */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  SQS_MAX_RECEIVE_COUNT = 3;

  /** With 3 receives, 10 s then 20 s: a dependency may be down ~30 s before messages are dead-lettered. */
  @Transform(toInt) @IsInt() @Min(0) @Max(43200)
  SQS_RETRY_BASE_DELAY_SECONDS = 10;

  @Transform(toInt) @IsInt() @Min(0) @Max(43200)
  SQS_RETRY_MAX_DELAY_SECONDS = 900;

  /**
   * How long shutdown waits for in-flight messages before handing them back to the queue.
   * The default keeps the whole shutdown under 10 s (Kubernetes' grace period is 30 s).
   */
  @Transform(toInt) @IsInt() @Min(0) @Max(60000)
  SHUTDOWN_DRAIN_TIMEOUT_MS = 7000;
}

/** ConfigModule `validate` hook: one error listing every bad or missing setting by name. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const given = raw[e.property] === undefined ? 'missing' : 'invalid';
      return `  - ${e.property} (${given}): ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}
