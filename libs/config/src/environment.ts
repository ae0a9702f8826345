import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUrl, Matches, MinLength, ValidateIf } from 'class-validator';
import { QueueSettingsByName, URL_OPTIONS } from './queue-settings';
import { BooleanSetting, HostTable, IntSetting, toList } from './setting.decorators';
import { isSqsConsumer, SQS_CONSUMERS, WORKER_CONSUMERS, WorkerConsumer } from './worker-consumers';

/**
 * Every setting the apps read, validated once at start-up; everything is overridable by
 * environment. Per-queue settings and their defaults (the specs') come from the queue table.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsString()
  @Transform(({ value }) => (typeof value === 'string' && value.length > 0 ? value : undefined))
  DATABASE_URL!: string;

  @IsOptional()
  @IntSetting(1, 65535)
  PORT?: number;

  /** The Postgres schema of the backbone's own tables (its migrations: `npm run db:migrate`). */
  @IsString()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/)
  DATABASE_SCHEMA = 'discord_backbone';

  /** Longest a Postgres statement may run; the client abandons a silent connection 5 s later. */
  @IntSetting(1000, 600000)
  DATABASE_STATEMENT_TIMEOUT_MS = 30000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsString()
  AWS_REGION = 'us-east-1';

  /** The SDK's standard endpoint override; when set, calls go there instead of the queue URL's host. */
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  AWS_ENDPOINT_URL_SQS?: string;

  @IsOptional()
  @IsUrl(URL_OPTIONS)
  AWS_ENDPOINT_URL?: string;

  @BooleanSetting()
  AWS_SQS_ENABLED = true;

  /**
   * The worker's consumers; the API app runs none of them. Requirements below follow this list.
   * The default is the SQS consumers; `relay` (which needs RELAY_CONFIG) is listed explicitly.
   */
  @Transform(toList)
  @IsIn(WORKER_CONSUMERS, {
    each: true,
    message: `WORKER_CONSUMERS must be a comma-separated list of ${WORKER_CONSUMERS.join(', ')}`,
  })
  WORKER_CONSUMERS: WorkerConsumer[] = [...SQS_CONSUMERS];

  /** Single-use invite lifetime for users not yet in the guild. */
  @IntSetting(60, 604800)
  BOT_INVITE_MAX_AGE_SECONDS = 86400;

  /**
   * Discord's HTTP interactions (campaign-channel-worker.md): the application's public key, hex as
   * the developer portal shows it. Setting it turns on POST /interactions and GET /campaigns/:id in
   * the API app, which then needs CAMPAIGN_QUEUE_URL.
   */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/i, {
    message:
      'DISCORD_PUBLIC_KEY must be the application public key: 64 hex digits, as the Discord developer portal shows it',
  })
  DISCORD_PUBLIC_KEY?: string;

  /**
   * How long the progress message is edited through the interaction token, counted from the
   * command: Discord's tokens last 15 minutes; the default stops a minute short, so no edit races
   * the expiry. After that the bot token edits the message (or a status message in the campaign's
   * first text channel).
   */
  @IntSetting(1, 900)
  CAMPAIGN_TOKEN_LIFETIME_SECONDS = 840;

  /**
   * Campaigns a server may have in progress (being created or rolled back) at once: /add-campaign
   * and Retry beyond it are refused with a private answer.
   */
  @IntSetting(1, 100000)
  CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD = 3;

  /**
   * Bot token; required when a Discord consumer runs, and with DISCORD_PUBLIC_KEY (the API reads
   * the server's roles to check who may start a campaign). Never logged.
   */
  @ValidateIf(
    (env: Environment) =>
      env.consumes('discord') ||
      env.consumes('bot-operations') ||
      env.consumes('campaign') ||
      env.DISCORD_PUBLIC_KEY !== undefined,
  )
  @IsString({
    message:
      'DISCORD_BOT_TOKEN is required while a Discord consumer (discord, bot-operations, campaign) runs or DISCORD_PUBLIC_KEY is set',
  })
  @MinLength(1, { message: 'DISCORD_BOT_TOKEN must not be empty' })
  DISCORD_BOT_TOKEN?: string;

  /**
   * When the server refuses a private thread, create a public one instead. Off by default: an
   * order's thread (title, status, members) would then be visible to the whole channel.
   */
  @BooleanSetting()
  DISCORD_THREAD_PUBLIC_FALLBACK = false;

  /**
   * Lifetime of the invite create_thread answers with (to the thread's channel, for members not yet
   * in the server; one use per such member). Discord allows at most 7 days; it must expire.
   */
  @IntSetting(60, 604800)
  DISCORD_THREAD_INVITE_MAX_AGE_SECONDS = 86400;

  /** Another Discord API base (a test server); unset = Discord itself. */
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  DISCORD_API_BASE_URL?: string;

  @IntSetting(100, 120000)
  DISCORD_REQUEST_TIMEOUT_MS = 15000;

  /**
   * The ECS container agent's endpoint, set by ECS itself in every task: the worker then asks for
   * task scale-in protection while it holds messages. Unset elsewhere.
   */
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  ECS_AGENT_URI?: string;

  /**
   * Invalid Discord responses (401, 403, non-shared 429) in 10 minutes above which this process
   * holds its Discord calls back; Discord bans the IP at 10,000.
   */
  @IntSetting(1, 9999)
  DISCORD_INVALID_REQUEST_BUDGET = 2000;

  /**
   * Discord's limits (the global limit and route buckets per bot token, the invalid-request count)
   * shared through Postgres by every replica; `false`: each process counts alone.
   */
  @BooleanSetting()
  DISCORD_SHARED_LIMITS = true;

  /** Requests per second per bot token across the deployment (Discord allows 50; a margin for jitter). */
  @IntSetting(1, 50)
  DISCORD_GLOBAL_REQUESTS_PER_SECOND = 48;

  /**
   * The longest a Discord call waits for its turn under the shared limits before its message is
   * handed back to its queue: short, since a received batch is done only when its slowest message is.
   */
  @IntSetting(0, 60000)
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
  @IsString({
    message: 'RELAY_CONFIG must be the path of the relay configuration file (required while the relay consumer runs)',
  })
  @MinLength(1, { message: 'RELAY_CONFIG must not be empty' })
  RELAY_CONFIG?: string;

  /** Gap backfill: at most this many messages fetched per channel after a (re)connection; 0 turns it off. */
  @IntSetting(0, 100000)
  RELAY_BACKFILL_MAX_MESSAGES = 500;

  /**
   * Live relay messages held in memory per Discord bot while Postgres cannot store them (an
   * outage); beyond this many they are dropped (logged, counted) and the gap backfill fetches them
   * from Discord once Postgres is back. High enough that a burst Postgres is storing as it comes
   * never reaches it (the relay bench's 10,000 at once did reach 1,000), small enough to bound
   * memory (a few KiB a message).
   */
  @IntSetting(1, 1000000)
  RELAY_INGEST_MAX_PENDING = 20000;

  /** Requests per minute each backend bot's key may make to /v1, all routes together, and each client address without a valid key (429 with Retry-After beyond). */
  @IntSetting(1, 1000000)
  RELAY_RATE_LIMIT_PER_MINUTE = 1200;

  /** Acknowledged deliveries, their messages and outbound records (with their Idempotency-Keys) are kept this long. */
  @IntSetting(1, 8760)
  RELAY_RETENTION_HOURS = 24;

  /**
   * The host's tables the worker and account linking read and write, when they are not this
   * repository's (docs/host.md "The host's transaction, the host's tables" lists their columns):
   * `table` or `schema.table` (the worker's connections find unqualified names in the backbone's
   * schema, then public). Users serve prizes and memberships alike.
   */
  @HostTable() HOST_USERS_TABLE?: string;
  @HostTable() HOST_COMMUNITIES_TABLE?: string;
  @HostTable() HOST_ITEM_TYPES_TABLE?: string;
  @HostTable() HOST_ITEM_HOLDINGS_TABLE?: string;
  @HostTable() HOST_CHARACTERS_TABLE?: string;
  @HostTable() HOST_SUBSCRIPTION_CHANNELS_TABLE?: string;
  @HostTable() HOST_SUBSCRIPTIONS_TABLE?: string;

  /** Refuse account links without a Discord OAuth2 access token that proves the account is the user's. */
  @BooleanSetting()
  ACCOUNT_LINK_REQUIRE_DISCORD_TOKEN = false;

  /** Sends outbox messages from this process (the API app). */
  @BooleanSetting()
  OUTBOX_RELAY_ENABLED = true;

  @IntSetting(10, 60000)
  OUTBOX_POLL_INTERVAL_MS = 250;

  @IntSetting(100, 3600000)
  OUTBOX_MAX_RETRY_DELAY_MS = 30000;

  /**
   * How long shutdown waits for in-flight messages before handing them back to the queue.
   * The default keeps the whole shutdown under 10 s (Kubernetes' grace period is 30 s).
   */
  @IntSetting(0, 60000)
  SHUTDOWN_DRAIN_TIMEOUT_MS = 7000;

  /**
   * Every queue's URL, DLQ and consumer tuning, read by the queue table (libs/contracts
   * queues.table.ts) under `<QUEUE>_QUEUE_<SETTING>` names or their older aliases.
   */
  queues!: QueueSettingsByName;

  /** Whether this process runs the given worker consumer. */
  consumes(consumer: WorkerConsumer): boolean {
    return this.WORKER_CONSUMERS.includes(consumer) && (this.AWS_SQS_ENABLED || !isSqsConsumer(consumer));
  }
}
