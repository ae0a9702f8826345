import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf, validateSync } from 'class-validator';

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
const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value;
/** The worker's SQS consumers (AWS_SQS_ENABLED=false turns them off) and the relay's Discord gateway ingest. */
export const SQS_CONSUMERS = ['prize-distribution', 'discord', 'bot-operations', 'campaign'] as const;
export const WORKER_CONSUMERS = [...SQS_CONSUMERS, 'relay'] as const;
export type WorkerConsumer = (typeof WORKER_CONSUMERS)[number];
const isSqsConsumer = (consumer: WorkerConsumer) => (SQS_CONSUMERS as readonly string[]).includes(consumer);

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

  /** The Postgres schema of the backbone's own tables (its migrations: `npm run db:migrate`). */
  @IsString() @Matches(/^[a-z_][a-z0-9_]{0,62}$/)
  DATABASE_SCHEMA = 'discord_backbone';

  /** Longest a Postgres statement may run; the client abandons a silent connection 5 s later. */
  @Transform(toInt) @IsInt() @Min(1000) @Max(600000)
  DATABASE_STATEMENT_TIMEOUT_MS = 30000;

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

  /**
   * The worker's consumers; the API app runs none of them. Requirements below follow this list.
   * The default is the SQS consumers; `relay` (which needs RELAY_CONFIG) is listed explicitly.
   */
  @Transform(toList)
  @IsIn(WORKER_CONSUMERS, { each: true, message: `WORKER_CONSUMERS must be a comma-separated list of ${WORKER_CONSUMERS.join(', ')}` })
  WORKER_CONSUMERS: WorkerConsumer[] = [...SQS_CONSUMERS];

  /** Prize queue; required only when its consumer runs. */
  @ValidateIf((env: Environment) => env.consumes('prize-distribution'))
  @IsUrl(URL_OPTIONS, { message: 'AWS_SQS_QUEUE_URL must be the prize queue URL (required while the prize-distribution consumer runs)' })
  AWS_SQS_QUEUE_URL?: string;

  /** Dead-letter queue; when unset it is found through the source queue's redrive policy. */
  @IsOptional() @IsUrl(URL_OPTIONS)
  AWS_SQS_DLQ_URL?: string;

  /** Backend → Discord bot (thread-queue-handoff.md). The API sends to it; the worker consumes it. */
  @ValidateIf((env: Environment) => env.consumes('discord') || env.DISCORD_QUEUE_URL !== undefined)
  @IsUrl(URL_OPTIONS, { message: 'DISCORD_QUEUE_URL must be a queue URL (required while the discord consumer runs)' })
  DISCORD_QUEUE_URL?: string;

  @IsOptional() @IsUrl(URL_OPTIONS)
  DISCORD_QUEUE_DLQ_URL?: string;

  /** Discord bot → backend responses. The worker sends to it; the API consumes it when set. */
  @ValidateIf((env: Environment) => env.consumes('discord') || env.BACKEND_QUEUE_URL !== undefined)
  @IsUrl(URL_OPTIONS, { message: 'BACKEND_QUEUE_URL must be a queue URL (required while the discord consumer runs: it answers there)' })
  BACKEND_QUEUE_URL?: string;

  @IsOptional() @IsUrl(URL_OPTIONS)
  BACKEND_QUEUE_DLQ_URL?: string;

  /** The API's consumer of the bot's answers. */
  @Transform(toInt) @IsInt() @Min(1) @Max(10)
  BACKEND_QUEUE_BATCH_SIZE = 10;

  /** Spec's recommendation for the Discord queue: batches of 10, 20 s long polling. */
  @Transform(toInt) @IsInt() @Min(1) @Max(10)
  DISCORD_QUEUE_BATCH_SIZE = 10;

  @Transform(toInt) @IsInt() @Min(0) @Max(20)
  DISCORD_QUEUE_WAIT_TIME_SECONDS = 20;

  /** Failed attempts before a Discord request is dead-lettered (spec: "after 3 retries"); waits do not count. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  DISCORD_QUEUE_MAX_ATTEMPTS = 3;

  /**
   * The Discord queue's redrive maxReceiveCount (keep them equal). Higher than the attempts:
   * rate-limit waits and shutdown hand-backs are receives too.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  DISCORD_QUEUE_MAX_RECEIVE_COUNT = 20;

  /** FIFO queue of bot operations (bot-operation-queue.md); the API sends, the worker consumes. */
  @ValidateIf((env: Environment) => env.consumes('bot-operations') || env.BOT_OPERATIONS_QUEUE_URL !== undefined)
  @IsUrl(URL_OPTIONS, { message: 'BOT_OPERATIONS_QUEUE_URL must be a queue URL (required while the bot-operations consumer runs)' })
  @Matches(/\.fifo$/, { message: 'BOT_OPERATIONS_QUEUE_URL must be a FIFO queue (name ending in .fifo)' })
  BOT_OPERATIONS_QUEUE_URL?: string;

  @IsOptional() @IsUrl(URL_OPTIONS)
  BOT_OPERATIONS_DLQ_URL?: string;

  /** Attempts before an operation that keeps failing transiently is dead-lettered. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  BOT_OPERATIONS_MAX_ATTEMPTS = 8;

  /** 1 s, 2 s, 4 s, 8 s … capped at 15 minutes (the spec's schedule). */
  @Transform(toInt) @IsInt() @Min(1) @Max(43200)
  BOT_OPERATIONS_RETRY_BASE_SECONDS = 1;

  @Transform(toInt) @IsInt() @Min(1) @Max(43200)
  BOT_OPERATIONS_RETRY_MAX_SECONDS = 900;

  @Transform(toInt) @IsInt() @Min(0) @Max(20)
  BOT_OPERATIONS_WAIT_TIME_SECONDS = 20;

  @Transform(toInt) @IsInt() @Min(1) @Max(10)
  BOT_OPERATIONS_BATCH_SIZE = 10;

  /** The FIFO queue's redrive maxReceiveCount (keep them equal); FIFO hand-backs are receives too. */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  BOT_OPERATIONS_MAX_RECEIVE_COUNT = 20;

  /** Single-use invite lifetime for users not yet in the guild. */
  @Transform(toInt) @IsInt() @Min(60) @Max(604800)
  BOT_INVITE_MAX_AGE_SECONDS = 86400;

  /**
   * Discord's HTTP interactions (campaign-channel-worker.md): the application's public key, hex as
   * the developer portal shows it. Setting it turns on POST /interactions and GET /campaigns/:id in
   * the API app, which then needs CAMPAIGN_QUEUE_URL.
   */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/i, { message: 'DISCORD_PUBLIC_KEY must be the application public key: 64 hex digits, as the Discord developer portal shows it' })
  DISCORD_PUBLIC_KEY?: string;

  /** FIFO queue of campaign tasks; the API sends (with DISCORD_PUBLIC_KEY), the campaign consumer receives. */
  @ValidateIf((env: Environment) => env.consumes('campaign') || env.CAMPAIGN_QUEUE_URL !== undefined || env.DISCORD_PUBLIC_KEY !== undefined)
  @IsUrl(URL_OPTIONS, { message: 'CAMPAIGN_QUEUE_URL must be a queue URL (required while the campaign consumer runs or DISCORD_PUBLIC_KEY is set)' })
  @Matches(/\.fifo$/, { message: 'CAMPAIGN_QUEUE_URL must be a FIFO queue (name ending in .fifo)' })
  CAMPAIGN_QUEUE_URL?: string;

  @IsOptional() @IsUrl(URL_OPTIONS)
  CAMPAIGN_QUEUE_DLQ_URL?: string;

  @Transform(toInt) @IsInt() @Min(0) @Max(20)
  CAMPAIGN_WAIT_TIME_SECONDS = 20;

  /** Failed attempts of a step (5xx, network) before it is dead-lettered and the campaign fails; rate-limit waits do not count. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  CAMPAIGN_MAX_ATTEMPTS = 5;

  /** 2 s, 4 s, 8 s … capped. */
  @Transform(toInt) @IsInt() @Min(1) @Max(43200)
  CAMPAIGN_RETRY_BASE_SECONDS = 2;

  @Transform(toInt) @IsInt() @Min(1) @Max(43200)
  CAMPAIGN_RETRY_MAX_SECONDS = 300;

  /** The campaign FIFO queue's redrive maxReceiveCount (keep them equal); rate-limit waits and FIFO hand-backs are receives too. */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  CAMPAIGN_MAX_RECEIVE_COUNT = 20;

  /**
   * How long the progress message is edited through the interaction token, counted from the
   * command: Discord's tokens last 15 minutes; the default stops a minute short, so no edit races
   * the expiry. After that the bot token edits the message (or a status message in the campaign's
   * first text channel).
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(900)
  CAMPAIGN_TOKEN_LIFETIME_SECONDS = 840;

  /**
   * Campaigns a server may have in progress (being created or rolled back) at once: /add-campaign
   * and Retry beyond it are refused with a private answer.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(100000)
  CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD = 3;

  /**
   * Bot token; required when a Discord consumer runs, and with DISCORD_PUBLIC_KEY (the API reads
   * the server's roles to check who may start a campaign). Never logged.
   */
  @ValidateIf((env: Environment) => env.consumes('discord') || env.consumes('bot-operations') || env.consumes('campaign') || env.DISCORD_PUBLIC_KEY !== undefined)
  @IsString({ message: 'DISCORD_BOT_TOKEN is required while a Discord consumer (discord, bot-operations, campaign) runs or DISCORD_PUBLIC_KEY is set' })
  @MinLength(1, { message: 'DISCORD_BOT_TOKEN must not be empty' })
  DISCORD_BOT_TOKEN?: string;

  /**
   * When the server refuses a private thread, create a public one instead. Off by default: an
   * order's thread (title, status, members) would then be visible to the whole channel.
   */
  @Transform(toBoolean) @IsBoolean()
  DISCORD_THREAD_PUBLIC_FALLBACK = false;

  /**
   * Lifetime of the invite create_thread answers with (to the thread's channel, for members not yet
   * in the server; one use per such member). Discord allows at most 7 days; it must expire.
   */
  @Transform(toInt) @IsInt() @Min(60) @Max(604800)
  DISCORD_THREAD_INVITE_MAX_AGE_SECONDS = 86400;

  /** Another Discord API base (a test server); unset = Discord itself. */
  @IsOptional() @IsUrl(URL_OPTIONS)
  DISCORD_API_BASE_URL?: string;

  @Transform(toInt) @IsInt() @Min(100) @Max(120000)
  DISCORD_REQUEST_TIMEOUT_MS = 15000;

  /**
   * The ECS container agent's endpoint, set by ECS itself in every task: the worker then asks for
   * task scale-in protection while it holds messages. Unset elsewhere.
   */
  @IsOptional() @IsUrl(URL_OPTIONS)
  ECS_AGENT_URI?: string;

  /**
   * Invalid Discord responses (401, 403, non-shared 429) in 10 minutes above which this process
   * holds its Discord calls back; Discord bans the IP at 10,000.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(9999)
  DISCORD_INVALID_REQUEST_BUDGET = 2000;

  /**
   * Discord's limits (the global limit and route buckets per bot token, the invalid-request count)
   * shared through Postgres by every replica; `false`: each process counts alone.
   */
  @Transform(toBoolean) @IsBoolean()
  DISCORD_SHARED_LIMITS = true;

  /** Requests per second per bot token across the deployment (Discord allows 50; a margin for jitter). */
  @Transform(toInt) @IsInt() @Min(1) @Max(50)
  DISCORD_GLOBAL_REQUESTS_PER_SECOND = 48;

  /**
   * The longest a Discord call waits for its turn under the shared limits before its message is
   * handed back to its queue: short, since a received batch is done only when its slowest message is.
   */
  @Transform(toInt) @IsInt() @Min(0) @Max(60000)
  DISCORD_RATE_LIMIT_MAX_WAIT_MS = 250;

  /**
   * API keys with the service scope (comma-separated; each a key of at least 32 characters or
   * `sha256:<hex>` of one). Several at once, so a key can be rotated without downtime.
   */
  @Transform(toList)
  @IsString({ each: true })
  API_KEYS: string[] = [];

  /** API keys with the admin scope: everything, plus the routes that change what the bot may do. */
  @Transform(toList)
  @IsString({ each: true })
  API_ADMIN_KEYS: string[] = [];

  /**
   * `disabled` opens every API route (logged at start-up); refused with NODE_ENV=production. The
   * API refuses to start without keys otherwise.
   */
  @IsIn(['enabled', 'disabled'], { message: 'API_AUTH must be "enabled" or "disabled"' })
  API_AUTH: 'enabled' | 'disabled' = 'enabled';

  /**
   * The message relay's YAML file (discord-relay-plan.md's shape): Discord bots, backend bots and
   * routes. Required by the worker's `relay` consumer; in the API app it enables the /v1 routes.
   */
  @ValidateIf((env: Environment) => env.consumes('relay') || env.RELAY_CONFIG !== undefined)
  @IsString({ message: 'RELAY_CONFIG must be the path of the relay configuration file (required while the relay consumer runs)' })
  @MinLength(1, { message: 'RELAY_CONFIG must not be empty' })
  RELAY_CONFIG?: string;

  /** Gap backfill: at most this many messages fetched per channel after a (re)connection; 0 turns it off. */
  @Transform(toInt) @IsInt() @Min(0) @Max(100000)
  RELAY_BACKFILL_MAX_MESSAGES = 500;

  /**
   * Live relay messages held in memory per Discord bot while Postgres cannot store them (an
   * outage); beyond this many they are dropped (logged, counted) and the gap backfill fetches them
   * from Discord once Postgres is back. High enough that a burst Postgres is storing as it comes
   * never reaches it (the relay bench's 10,000 at once did reach 1,000), small enough to bound
   * memory (a few KiB a message).
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000000)
  RELAY_INGEST_MAX_PENDING = 20000;

  /** Requests per minute each backend bot's key may make to /v1, all routes together, and each client address without a valid key (429 with Retry-After beyond). */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000000)
  RELAY_RATE_LIMIT_PER_MINUTE = 1200;

  /** Acknowledged deliveries, their messages and outbound records (with their Idempotency-Keys) are kept this long. */
  @Transform(toInt) @IsInt() @Min(1) @Max(8760)
  RELAY_RETENTION_HOURS = 24;

  /** Refuse account links without a Discord OAuth2 access token that proves the account is the user's. */
  @Transform(toBoolean) @IsBoolean()
  ACCOUNT_LINK_REQUIRE_DISCORD_TOKEN = false;

  /** Sends outbox messages from this process (the API app). */
  @Transform(toBoolean) @IsBoolean()
  OUTBOX_RELAY_ENABLED = true;

  @Transform(toInt) @IsInt() @Min(10) @Max(60000)
  OUTBOX_POLL_INTERVAL_MS = 250;

  @Transform(toInt) @IsInt() @Min(100) @Max(3600000)
  OUTBOX_MAX_RETRY_DELAY_MS = 30000;

  @Transform(toInt) @IsInt() @Min(1) @Max(10)
  SQS_BATCH_SIZE = 5;

  @Transform(toInt) @IsInt() @Min(0) @Max(20)
  SQS_WAIT_TIME_SECONDS = 5;

  /**
   * Received batches the prize and backend-response consumers work on at once: the next receive
   * overlaps the previous batch's transaction instead of waiting for it.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(32)
  SQS_CONCURRENCY = 4;


  /** At least 3 s: the heartbeat extends it every third of it, at most once a second. */
  @Transform(toInt) @IsInt() @Min(3) @Max(43200)
  SQS_VISIBILITY_TIMEOUT = 30;

  /** Prize and backend-response queues: receives before a message is dead-lettered; must match the redrive maxReceiveCount. */
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

  /** Whether this process runs the given worker consumer. */
  consumes(consumer: WorkerConsumer): boolean {
    return this.WORKER_CONSUMERS.includes(consumer) && (this.AWS_SQS_ENABLED || !isSqsConsumer(consumer));
  }
}

/** ConfigModule `validate` hook: one error listing every bad or missing setting by name. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const lines = errors.map((e) => {
    const given = raw[e.property] === undefined ? 'missing' : 'invalid';
    return `  - ${e.property} (${given}): ${Object.values(e.constraints ?? {}).join('; ')}`;
  });
  if (env.NODE_ENV === 'production' && env.API_AUTH === 'disabled') {
    lines.push('  - API_AUTH (invalid): API_AUTH=disabled is refused with NODE_ENV=production: configure API_KEYS or API_ADMIN_KEYS');
  }
  if (lines.length > 0) throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  return env;
}
