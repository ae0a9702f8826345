/**
 * Where the backbone's tables live: a Postgres schema of its own in the host's database, so its
 * tables never meet the host's (docs/database.md, "Database schemas"). Plain functions without
 * imports, so the migration CLI runs from source under Node 22's type stripping as well as compiled.
 */
export const DEFAULT_BACKBONE_SCHEMA = 'discord_backbone';

/** The migration ledger, inside the backbone's schema. */
export const MIGRATIONS_TABLE = 'backbone_migrations';

/** `name` as a Postgres identifier, quoted (so any configured name is safe in SQL text). */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.length > 63 || name.includes('\0'))
    throw new Error(`Not a Postgres identifier: ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`: for statements on a connection whose search_path the backbone does not set (a host's). */
export function qualifiedTable(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/**
 * A table name as the modules' `table`/`tables` options take it — `table` or `schema.table`,
 * unquoted, case kept — quoted for statement text (each part by quoteIdentifier). The one parser
 * of those options: anything else (an empty part, a third part) is refused at start-up.
 */
export function quoteQualifiedName(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2) throw new TypeError(`Invalid table name "${name}": expected "table" or "schema.table"`);
  try {
    return parts.map(quoteIdentifier).join('.');
  } catch {
    throw new TypeError(`Invalid table name "${name}": expected "table" or "schema.table", each part 1–63 characters`);
  }
}

/**
 * Every table of a table contract (the host's tables a module reads and writes), quoted: the
 * host's name where `given` has one (an undefined entry, an unset setting, keeps the default).
 */
export function quoteTableNames<K extends string>(
  defaults: Record<K, string>,
  given: Partial<Record<K, string>> = {},
): Record<K, string> {
  const quoted = {} as Record<K, string>;
  for (const key of Object.keys(defaults) as K[]) quoted[key] = quoteQualifiedName(given[key] ?? defaults[key]);
  return quoted;
}

/**
 * A backbone table's name in the form the options take (`discord_backbone.bot_operations`, unquoted):
 * for `OutboxOptions.table` and `BotOperationsOptions.table` on a host's connection, where
 * unqualified names resolve to the host's tables. The library quotes it (quoteQualifiedName).
 */
export const backboneTable = (table: string, schema: string = DEFAULT_BACKBONE_SCHEMA): string => `${schema}.${table}`;

/** The outbox table, in the options' form: `backboneTable('outbox_messages', schema)`. */
export const outboxTable = (schema: string = DEFAULT_BACKBONE_SCHEMA): string =>
  backboneTable('outbox_messages', schema);

/**
 * The search_path of the backbone's own connections: its schema first, then public, where this
 * repo's marketplace tables (the demo host's) live; raw SQL names tables unqualified. Written for
 * a connection's `options` (`-c search_path=…`), where spaces and backslashes are escaped.
 */
export const backboneSearchPath = (schema: string): string =>
  `${quoteIdentifier(schema)},public`.replace(/[\\ ]/g, '\\$&');
