import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayUnique,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { SNOWFLAKE, validationProblems } from '@discord-backbone/contracts';
import { SCOPE_PRECEDENCE, ScopeType } from './routing-table';

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ID_MESSAGE = 'must be an id of letters, digits, "_", "." or "-" (at most 64)';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** YAML is parsed with big integers kept exact (an unquoted 18-digit Discord id would lose digits as a number). */
const toText = ({ value }: { value: unknown }): unknown => (typeof value === 'bigint' ? value.toString() : value);
const toTexts = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) : value;
const toNumber = ({ value }: { value: unknown }): unknown => (typeof value === 'bigint' ? Number(value) : value);

class ServerSection {
  @IsOptional() @IsString() bind_host?: string;
  @IsOptional() @Transform(toNumber) @IsInt() bind_port?: number;
  @IsOptional() @IsString() base_url?: string;
}

class StorageSection {
  @IsOptional() @IsString() database_url?: string;
}

class DiscordBotSection {
  @Transform(toText) @IsString() @Matches(ID, { message: `id ${ID_MESSAGE}` }) id!: string;
  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() @MinLength(1) token?: string;
  @IsOptional()
  @IsString()
  @Matches(ENV_NAME, { message: 'token_env must be an environment variable name' })
  token_env?: string;
  @IsOptional() @IsBoolean() enabled?: boolean;
  /** Guild channels whose messages are ingested; empty = DMs only. */
  @IsOptional()
  @Transform(toTexts)
  @IsArray()
  @Matches(SNOWFLAKE, { each: true, message: 'channel_allowlist entries must be Discord ids (17–20 digits)' })
  @ArrayUnique()
  channel_allowlist?: string[];
  /** This project's addition: ignore messages of other bots (the bot's own are always ignored). */
  @IsOptional() @IsBoolean() ignore_bots?: boolean;
}

/** A destination a backend bot may send to beyond what is routed to it: one channel or one user's DMs, through one Discord bot. */
class SendAllowlistEntry {
  @Transform(toText) @IsString() discord_bot_id!: string;
  @IsOptional()
  @Transform(toText)
  @IsString()
  @Matches(SNOWFLAKE, { message: 'channel_id must be a Discord id (17–20 digits)' })
  channel_id?: string;
  @IsOptional()
  @Transform(toText)
  @IsString()
  @Matches(SNOWFLAKE, { message: 'user_id must be a Discord id (17–20 digits)' })
  user_id?: string;
}

class BackendBotSection {
  @Transform(toText) @IsString() @Matches(ID, { message: `id ${ID_MESSAGE}` }) id!: string;
  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() @MinLength(1) api_key?: string;
  @IsOptional()
  @IsString()
  @Matches(ENV_NAME, { message: 'api_key_env must be an environment variable name' })
  api_key_env?: string;
  @IsOptional() @IsBoolean() enabled?: boolean;
  /** This project's addition: leases without an ack before a delivery is dead. */
  @IsOptional() @Transform(toNumber) @IsInt() @Min(1) @Max(100) max_deliveries?: number;
  /** This project's addition: one delivery per conversation at a time, in order. */
  @IsOptional() @IsBoolean() ordered?: boolean;
  /** This project's addition: where it may send besides what is routed to it. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SendAllowlistEntry)
  send_allowlist?: SendAllowlistEntry[];
}

export class RoutingSection {
  @IsOptional() @Equals('first_match', { message: 'routing.mode must be first_match (the only mode)' }) mode?: string;
  @IsOptional() @IsArray() precedence?: string[];
  /** Discord bot id → backend bot id for messages no route matches. */
  @IsOptional() @IsObject() defaults?: Record<string, string>;
}

class RouteSection {
  @Transform(toText) @IsString() discord_bot_id!: string;
  @IsIn(SCOPE_PRECEDENCE, { message: `scope_type must be one of ${SCOPE_PRECEDENCE.join(', ')}` })
  scope_type!: ScopeType;
  @Transform(toText)
  @IsString()
  @Matches(SNOWFLAKE, { message: 'scope_id must be a Discord id (17–20 digits)' })
  scope_id!: string;
  @Transform(toText) @IsString() backend_bot_id!: string;
}

/** RELAY_CONFIG's shape (discord-relay-plan.md "Configuration File"), snake_case as written. */
export class RelayConfigFile {
  @IsOptional() @ValidateNested() @Type(() => ServerSection) server?: ServerSection;
  @IsOptional() @ValidateNested() @Type(() => StorageSection) storage?: StorageSection;
  @IsArray() @ValidateNested({ each: true }) @Type(() => DiscordBotSection) discord_bots!: DiscordBotSection[];
  @IsArray() @ValidateNested({ each: true }) @Type(() => BackendBotSection) backend_bots!: BackendBotSection[];
  @IsOptional() @ValidateNested() @Type(() => RoutingSection) routing?: RoutingSection;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => RouteSection) routes?: RouteSection[];
}

/**
 * The file's text as its shape: the file, with what is wrong with its shape (field by field), or
 * no file when the text is not a YAML mapping at all.
 */
export function readRelayConfigFile(text: string): { file?: RelayConfigFile; problems: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text, { intAsBigInt: true, uniqueKeys: true });
  } catch (error) {
    if (error instanceof YAMLParseError) return { problems: [`YAML: ${error.message.split('\n')[0]}`] };
    throw error;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { problems: ['the file must be a YAML mapping with discord_bots, backend_bots, routing and routes'] };
  const file = plainToInstance(RelayConfigFile, raw);
  const problems = validationProblems(validateSync(file, { whitelist: true, forbidNonWhitelisted: true })).flatMap(
    ({ path, messages }) => messages.map((message) => `${path}: ${message}`),
  );
  return { file, problems };
}
