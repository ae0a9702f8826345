import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ClientBase } from 'pg';
import { MIGRATIONS_TABLE, qualifiedTable, quoteIdentifier } from './backbone-schema.ts';
import { catalogDifferences, readCatalog } from './schema-catalog.ts';

export interface Migration {
  /** The file name without `.sql`, e.g. `0001_backbone_tables`. */
  name: string;
  sql: string;
  /** SHA-256 of the file: an applied migration whose file changed since is reported by doctor. */
  checksum: string;
}

interface AppliedMigration {
  name: string;
  checksum: string;
}

const MIGRATION_FILE = /^(\d{4}_[a-z0-9_]+)\.sql$/;

/**
 * The backbone's migrations (plain SQL files, applied in name order) and what they do to a
 * database: apply the pending ones (migrate), print them for a host's own migration tool (plan),
 * and say how the database differs from them (doctor). Migrations name their objects unqualified:
 * they run with the search_path set to the configured schema, which is how that name stays free.
 */
export class SchemaMigrations {
  readonly migrations: Migration[];

  constructor(directory: string) {
    this.migrations = fs
      .readdirSync(directory)
      .map((file) => MIGRATION_FILE.exec(file)?.[1])
      .filter((name): name is string => name !== undefined)
      .sort()
      .map((name) => {
        const sql = fs.readFileSync(path.join(directory, `${name}.sql`), 'utf8');
        return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
      });
    if (this.migrations.length === 0) throw new Error(`No migrations in ${directory}`);
  }

  /** Applies the pending migrations in one transaction (all or none); returns their names. */
  async migrate(client: ClientBase, schema: string): Promise<string[]> {
    const s = quoteIdentifier(schema);
    await client.query('BEGIN');
    try {
      // Two deployments migrating at once: the second waits, then finds nothing pending.
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`discord-backbone-db:${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(ledgerDefinition(schema));
      const applied = await this.applied(client, schema);
      const edited = this.edited(applied);
      if (edited.length > 0)
        throw new Error(
          `Applied migrations changed since: ${edited.join(', ')} (a shipped migration is never edited: add a new one)`,
        );
      const pending = this.pendingAgainst(applied);
      await client.query(`SET LOCAL search_path TO ${s}`);
      for (const migration of pending) {
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${qualifiedTable(schema, MIGRATIONS_TABLE)} (name, checksum) VALUES ($1, $2)`, [
          migration.name,
          migration.checksum,
        ]);
      }
      await client.query('COMMIT');
      return pending.map((m) => m.name);
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  /** The migrations not yet applied in `schema` (all of them when the schema does not exist). */
  async pending(client: ClientBase, schema: string): Promise<Migration[]> {
    return this.pendingAgainst(await this.applied(client, schema));
  }

  /**
   * SQL that applies `migrations` in `schema` and records them, as `migrate` would: for a host
   * whose own migration tool runs the backbone's migrations. Statements only (no DO blocks), so
   * tools that split on semicolons run it too.
   */
  plan(schema: string, migrations: Migration[] = this.migrations): string {
    const s = quoteIdentifier(schema);
    const lines = [
      `-- discord-backbone-db plan: ${migrations.length} migration(s) for schema ${s}`,
      `CREATE SCHEMA IF NOT EXISTS ${s};`,
      `${ledgerDefinition(schema)};`,
      `SET search_path TO ${s};`,
    ];
    for (const migration of migrations) {
      lines.push(
        '',
        `-- ${migration.name}`,
        migration.sql.trim(),
        `INSERT INTO ${qualifiedTable(schema, MIGRATIONS_TABLE)} (name, checksum) VALUES ('${migration.name}', '${migration.checksum}');`,
      );
    }
    lines.push('', 'RESET search_path;', '');
    return lines.join('\n');
  }

  /**
   * What is wrong with `schema`, as sentences (none: the database is what the migrations make):
   * a migration pending, edited since it was applied or unknown here, and any difference between
   * the schema's catalog (tables, columns, indexes, constraints, enums) and what the applied
   * migrations create, found by applying them to a scratch schema in a transaction rolled back.
   */
  async doctor(client: ClientBase, schema: string): Promise<string[]> {
    const applied = await this.applied(client, schema);
    if (applied.length === 0)
      return [`Schema ${quoteIdentifier(schema)} has no applied migrations: run \`discord-backbone-db migrate\``];
    const known = new Set(this.migrations.map((m) => m.name));
    const problems = [
      ...this.pendingAgainst(applied).map((m) => `Migration ${m.name} is not applied`),
      ...this.edited(applied).map((name) => `Migration ${name} was edited after it was applied`),
      ...applied
        .filter((a) => !known.has(a.name))
        .map((a) => `Migration ${a.name} is applied but unknown to this version`),
    ];
    const appliedNames = new Set(applied.map((a) => a.name));
    const scratch = `${schema.slice(0, 55)}_doctor`;
    await client.query('BEGIN');
    try {
      await client.query(`CREATE SCHEMA ${quoteIdentifier(scratch)}`);
      await client.query(`SET LOCAL search_path TO ${quoteIdentifier(scratch)}`);
      for (const migration of this.migrations.filter((m) => appliedNames.has(m.name)))
        await client.query(migration.sql);
      // Names come out qualified (none is on the path), so both catalogs read alike.
      await client.query('SET LOCAL search_path TO pg_catalog');
      const expected = await readCatalog(client, scratch, MIGRATIONS_TABLE);
      const actual = await readCatalog(client, schema, MIGRATIONS_TABLE);
      problems.push(...catalogDifferences(expected, actual));
    } finally {
      await client.query('ROLLBACK');
    }
    return problems;
  }

  private pendingAgainst(applied: AppliedMigration[]): Migration[] {
    const done = new Set(applied.map((a) => a.name));
    return this.migrations.filter((m) => !done.has(m.name));
  }

  private edited(applied: AppliedMigration[]): string[] {
    const byName = new Map(this.migrations.map((m) => [m.name, m.checksum]));
    return applied.filter((a) => byName.has(a.name) && byName.get(a.name) !== a.checksum).map((a) => a.name);
  }

  private async applied(client: ClientBase, schema: string): Promise<AppliedMigration[]> {
    const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
      qualifiedTable(schema, MIGRATIONS_TABLE),
    ]);
    if (!rows[0].exists) return [];
    return (
      await client.query<AppliedMigration>(
        `SELECT name, checksum FROM ${qualifiedTable(schema, MIGRATIONS_TABLE)} ORDER BY name`,
      )
    ).rows;
  }
}

function ledgerDefinition(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualifiedTable(schema, MIGRATIONS_TABLE)} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`;
}
