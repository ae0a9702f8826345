import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DEFAULT_BACKBONE_SCHEMA, Prisma, PrismaService } from '@discord-backbone/prisma';

const CLI = path.resolve(__dirname, '../../libs/prisma/src/schema/cli.ts');
const MIGRATIONS = path.resolve(__dirname, '../../libs/prisma/migrations');
/** Every migration the package ships, in the order they apply. */
const SHIPPED = readdirSync(MIGRATIONS)
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .map((f) => f.replace(/\.sql$/, ''));

/** The backbone's migration CLI as a deployment runs it; its exit code and output. */
function cli(
  databaseUrl: string | undefined,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH!, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI, ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );
}

async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const tablesIn = (databaseUrl: string, schema: string) =>
  withClient(databaseUrl, async (c) =>
    (
      await c.query<{ t: string }>('SELECT tablename::text AS t FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [
        schema,
      ])
    ).rows.map((r) => r.t),
  );

describe('the backbone schema CLI (discord-backbone-db)', () => {
  const base = process.env.TEST_DATABASE_URL!;
  const created: string[] = [];

  /** A new empty database on the test server (a host's, before the backbone). */
  async function emptyDatabase(): Promise<string> {
    const name = `dqb_schema_${randomBytes(4).toString('hex')}`;
    await withClient(base, (c) => c.query(`CREATE DATABASE ${name}`));
    created.push(name);
    const url = new URL(base);
    url.pathname = `/${name}`;
    return url.toString();
  }

  afterAll(async () => {
    await withClient(base, async (c) => {
      for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  });

  it('migrate creates the schema and its tables in an empty database, then has nothing left to do; doctor is green', async () => {
    const url = await emptyDatabase();
    const first = await cli(url, 'migrate');
    expect(first).toMatchObject({
      code: 0,
      stdout: `Applied to schema ${DEFAULT_BACKBONE_SCHEMA}: ${SHIPPED.join(', ')}\n`,
    });
    expect(await tablesIn(url, DEFAULT_BACKBONE_SCHEMA)).toEqual(
      expect.arrayContaining([
        'backbone_migrations',
        'outbox_messages',
        'processed_messages',
        'relay_deliveries',
        'campaigns',
      ]),
    );
    expect(await tablesIn(url, 'public')).toEqual([]);
    expect(await cli(url, 'migrate')).toMatchObject({
      code: 0,
      stdout: `Schema ${DEFAULT_BACKBONE_SCHEMA} is up to date\n`,
    });
    expect(await cli(url, 'plan')).toMatchObject({
      code: 0,
      stdout: `-- discord-backbone-db plan: schema ${DEFAULT_BACKBONE_SCHEMA} is up to date\n`,
    });
    expect(await cli(url, 'doctor')).toMatchObject({
      code: 0,
      stdout: `Schema ${DEFAULT_BACKBONE_SCHEMA} matches its ${SHIPPED.length} migration(s)\n`,
    });
  });

  it("this repository's own database (Prisma's migrations moved the tables in) is what the migrations make", async () => {
    expect(await cli(base, 'doctor')).toMatchObject({
      code: 0,
      stdout: `Schema ${DEFAULT_BACKBONE_SCHEMA} matches its ${SHIPPED.length} migration(s)\n`,
    });
    expect(await tablesIn(base, 'public')).not.toContain('outbox_messages');
  });

  it("plan prints the pending SQL, which a host's own migration tool can run instead of migrate", async () => {
    const url = await emptyDatabase();
    const plan = await cli(url, 'plan');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('CREATE SCHEMA IF NOT EXISTS "discord_backbone";');
    expect(plan.stdout).toContain('CREATE TABLE "outbox_messages"');
    expect(plan.stdout).toMatch(
      /INSERT INTO "discord_backbone"\."backbone_migrations" \(name, checksum\) VALUES \('0001_backbone_tables', '[0-9a-f]{64}'\);/,
    );
    expect((await cli(undefined, 'plan', '--all')).stdout).toBe(plan.stdout);
    // Statement by statement, as tools that split on semicolons run it.
    await withClient(url, async (c) => {
      for (const statement of plan.stdout
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s.replace(/--.*$/gm, '').trim()))
        await c.query(statement);
    });
    expect(await cli(url, 'doctor')).toMatchObject({ code: 0 });
    expect(await cli(url, 'migrate')).toMatchObject({
      code: 0,
      stdout: `Schema ${DEFAULT_BACKBONE_SCHEMA} is up to date\n`,
    });
  });

  it('doctor fails on a dropped column, an extra index, a pending or an edited migration; migrate refuses an edited one', async () => {
    const url = await emptyDatabase();
    expect(await cli(url, 'doctor')).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('has no applied migrations'),
    });
    await cli(url, 'migrate');
    await withClient(url, async (c) => {
      await c.query('ALTER TABLE discord_backbone.outbox_messages DROP COLUMN rejection');
      await c.query('CREATE INDEX stray_idx ON discord_backbone.campaigns (name)');
    });
    const drifted = await cli(url, 'doctor');
    expect(drifted.code).toBe(1);
    expect(drifted.stdout.trim().split('\n')).toEqual([
      'Missing column outbox_messages.rejection',
      'Unexpected index campaigns.stray_idx',
    ]);

    const edited = mkdtempSync(path.join(tmpdir(), 'backbone-migrations-'));
    cpSync(MIGRATIONS, edited, { recursive: true });
    appendFileSync(path.join(edited, '0001_backbone_tables.sql'), '\nCREATE INDEX later_idx ON campaigns (name);\n');
    appendFileSync(path.join(edited, '0002_next.sql'), 'CREATE TABLE next_table (id int);\n');
    const doctor = await cli(url, 'doctor', '--migrations', edited);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain('Migration 0002_next is not applied');
    expect(doctor.stdout).toContain('Migration 0001_backbone_tables was edited after it was applied');
    const refused = await cli(url, 'migrate', '--migrations', edited);
    expect(refused).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Applied migrations changed since: 0001_backbone_tables'),
    });
    expect(await tablesIn(url, DEFAULT_BACKBONE_SCHEMA)).not.toContain('next_table');
  });

  it('another schema name: migrate and doctor there, and the Prisma client and raw SQL of PrismaService find it', async () => {
    const url = await emptyDatabase();
    expect(await cli(url, 'migrate', '--schema', 'market_bot')).toMatchObject({
      code: 0,
      stdout: `Applied to schema market_bot: ${SHIPPED.join(', ')}\n`,
    });
    expect(await cli(url, 'doctor', '--schema', 'market_bot')).toMatchObject({ code: 0 });
    expect(await tablesIn(url, DEFAULT_BACKBONE_SCHEMA)).toEqual([]);

    const prisma = new PrismaService({ databaseUrl: url, schema: 'market_bot' });
    await prisma.onModuleInit();
    try {
      await prisma.outboxMessage.create({ data: { destination: 'discord', body: '{}', orderingKey: 'k' } });
      await prisma.$transaction(async (tx) => tx.scheduledRun.create({ data: { name: 'job', lastRunAt: new Date() } }));
      expect(await prisma.sql<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM outbox_messages`)).toEqual([
        { n: 1 },
      ]);
      expect(await prisma.$queryRaw`SELECT name FROM scheduled_runs`).toEqual([{ name: 'job' }]);
    } finally {
      await prisma.onApplicationShutdown();
    }
    const counts = await withClient(
      url,
      async (c) =>
        (
          await c.query<{ n: number }>(
            'SELECT (SELECT count(*) FROM market_bot.outbox_messages)::int + (SELECT count(*) FROM market_bot.scheduled_runs)::int AS n',
          )
        ).rows[0].n,
    );
    expect(counts).toBe(2);
  });
});
