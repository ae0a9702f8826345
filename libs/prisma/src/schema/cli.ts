#!/usr/bin/env node
/**
 * discord-backbone-db migrate | plan | doctor [--schema name] [--database-url url] [--all]
 *
 * The backbone's tables, in their own schema of the host's database (docs/database.md,
 * "Database schemas"):
 * - migrate: applies the pending migrations (and creates the schema);
 * - plan: prints their SQL (all of them with --all, which needs no database) for a host's own
 *   migration tool;
 * - doctor: exits 1 when a migration is pending, edited or unknown, or the schema's tables,
 *   columns, indexes or constraints differ from what the migrations create.
 * Settings: DATABASE_URL and DATABASE_SCHEMA (default discord_backbone), or the flags.
 * Runs compiled or, in this repository, from source with Node 22 (type stripping).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DEFAULT_BACKBONE_SCHEMA } from './backbone-schema.ts';
import { SchemaMigrations } from './schema-migrations.ts';

const USAGE =
  'Usage: discord-backbone-db migrate|plan|doctor [--schema name] [--database-url url] [--all] [--migrations dir]';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      schema: { type: 'string' },
      'database-url': { type: 'string' },
      all: { type: 'boolean' },
      migrations: { type: 'string' },
    },
  });
  const [command] = positionals;
  if (!['migrate', 'plan', 'doctor'].includes(command ?? '') || positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const schema = values.schema ?? process.env.DATABASE_SCHEMA ?? DEFAULT_BACKBONE_SCHEMA;
  // libs/prisma/migrations, from this file in libs/prisma/src/schema (its realpath: bins are links).
  const migrations = new SchemaMigrations(
    values.migrations ?? path.resolve(path.dirname(fs.realpathSync(process.argv[1])), '..', '..', 'migrations'),
  );
  if (command === 'plan' && values.all) {
    process.stdout.write(migrations.plan(schema));
    return 0;
  }
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
  if (!databaseUrl) {
    process.stderr.write(`DATABASE_URL (or --database-url) is not set\n${USAGE}\n`);
    return 2;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    if (command === 'migrate') {
      const applied = await migrations.migrate(client, schema);
      process.stdout.write(
        applied.length > 0
          ? `Applied to schema ${schema}: ${applied.join(', ')}\n`
          : `Schema ${schema} is up to date\n`,
      );
      return 0;
    }
    if (command === 'plan') {
      const pending = await migrations.pending(client, schema);
      process.stdout.write(
        pending.length > 0
          ? migrations.plan(schema, pending)
          : `-- discord-backbone-db plan: schema ${schema} is up to date\n`,
      );
      return 0;
    }
    const problems = await migrations.doctor(client, schema);
    for (const problem of problems) process.stdout.write(`${problem}\n`);
    if (problems.length === 0)
      process.stdout.write(`Schema ${schema} matches its ${migrations.migrations.length} migration(s)\n`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await client.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`discord-backbone-db: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
