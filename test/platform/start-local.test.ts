import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { waitFor } from '../support/sqs';
import { freePort } from '../support/worker-process';

const START = path.resolve(__dirname, '../../scripts/start-local.mjs');
const DB_RESET = path.resolve(__dirname, '../../scripts/db-reset.mjs');
const WITH_LOCAL_ENV = path.resolve(__dirname, '../../scripts/with-local-env.mjs');
const DEMO = path.resolve(__dirname, '../../scripts/demo.mjs');

/** `npm start`'s script (or another of scripts/) with exactly these settings (and no others of this shell); its exit and output. */
function startLocal(
  env: Record<string, string>,
  args: string[] = [],
  script = START,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

async function databaseExists(databaseUrl: string): Promise<boolean> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new Client({ connectionString: new URL('/postgres', databaseUrl).toString() });
  await admin.connect();
  try {
    return ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await admin.end();
  }
}

describe('npm start keeps its local defaults local (issue 16, item 4)', () => {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/dqb_start_local_refused_${process.pid}`;
  const databaseUrl = url.toString();

  it('refuses the stand-in, a made-up admin key and a local SQS with NODE_ENV=production, naming what is missing, before touching anything', async () => {
    const { code, output } = await startLocal({ NODE_ENV: 'production', DATABASE_URL: databaseUrl });
    expect(code).toBe(1);
    expect(output).toMatch(/refuses its local defaults with NODE_ENV=production/);
    expect(output).toMatch(/- DISCORD_BOT_TOKEN/);
    expect(output).toMatch(/- API_KEYS or API_ADMIN_KEYS/);
    expect(output).toMatch(/- PRIZE_DISTRIBUTION_QUEUE_URL \(or AWS_SQS_QUEUE_URL\)/);
    expect(output).not.toMatch(/- DATABASE_URL/);
    expect(output).not.toMatch(/local admin API key|discord-standin|fauxqs\) ready/);
    expect(await databaseExists(databaseUrl)).toBe(false);
  });

  it('refuses the stand-in when a queue is not on a local SQS endpoint, naming the queue setting and the missing token', async () => {
    const { code, output } = await startLocal({
      DATABASE_URL: databaseUrl,
      AWS_SQS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/prize-distribution',
      CAMPAIGN_QUEUE_URL: 'http://127.0.0.1:4566/000000000000/campaign-tasks.fifo',
      API_KEYS: 'k'.repeat(40),
    });
    expect(code).toBe(1);
    expect(output).toMatch(/AWS_SQS_QUEUE_URL not on a local SQS endpoint/);
    expect(output).not.toMatch(/CAMPAIGN_QUEUE_URL not on/);
    expect(output).toMatch(/- DISCORD_BOT_TOKEN/);
    expect(output).not.toMatch(/- API_KEYS/);
    expect(await databaseExists(databaseUrl)).toBe(false);

    const withoutDatabase = await startLocal({
      NODE_ENV: 'production',
      DISCORD_BOT_TOKEN: 't',
      API_KEYS: 'k'.repeat(40),
      AWS_SQS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/prize-distribution',
    });
    expect(withoutDatabase.code).toBe(1);
    expect(withoutDatabase.output).toMatch(
      /Missing:\n {2}- DATABASE_URL \(without it npm start creates and migrates a local database\)\n$/,
    );
  });

  it("refuses the stand-in, a made-up admin key and a local SQS with a database elsewhere, naming DATABASE_URL's host (its host parameter too)", async () => {
    for (const elsewhere of [
      'postgresql://postgres@db.example.invalid:5432/dqb',
      'postgresql://postgres@127.0.0.1:5432/dqb?host=db.example.invalid',
    ]) {
      const { code, output } = await startLocal({ DATABASE_URL: elsewhere });
      expect(code).toBe(1);
      expect(output).toMatch(
        /refuses its local defaults with DATABASE_URL on db\.example\.invalid, not on this machine\. Missing:/,
      );
      expect(output).toMatch(/- DISCORD_BOT_TOKEN/);
      expect(output).toMatch(/- API_KEYS or API_ADMIN_KEYS/);
      expect(output).toMatch(/- PRIZE_DISTRIBUTION_QUEUE_URL \(or AWS_SQS_QUEUE_URL\)/);
      expect(output).not.toMatch(/- DATABASE_URL|Database ready/);
    }
  });

  it('refuses --fresh with production settings exported, leaving the database as it was, and --fresh or db:reset on a database elsewhere', async () => {
    const kept = new URL(databaseUrl);
    kept.pathname = `/dqb_start_local_kept_${process.pid}`;
    const keptUrl = kept.toString();
    const admin = new Client({ connectionString: new URL('/postgres', keptUrl).toString() });
    await admin.connect();
    const name = kept.pathname.slice(1);
    await admin.query(`CREATE DATABASE "${name}"`);
    try {
      const database = new Client({ connectionString: keptUrl });
      await database.connect();
      await database.query('CREATE TABLE kept (id int)');
      await database.end();
      // Nothing is missing (no local default would be used), yet --fresh must not drop anything.
      const production = {
        NODE_ENV: 'production',
        DATABASE_URL: keptUrl,
        DISCORD_BOT_TOKEN: 't',
        API_KEYS: 'k'.repeat(40),
        AWS_SQS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/prize-distribution',
      };
      const fresh = await startLocal(production, ['--fresh']);
      expect(fresh.code).toBe(1);
      expect(fresh.output).toMatch(
        /--fresh recreates a database on this machine only, never with NODE_ENV=production: NODE_ENV=production\n$/,
      );
      expect(await databaseExists(keptUrl)).toBe(true);
      const check = new Client({ connectionString: keptUrl });
      await check.connect();
      expect((await check.query("SELECT to_regclass('kept') AS kept")).rows[0]).toEqual({ kept: 'kept' });
      await check.end();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }

    const elsewhere = {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/dqb?host=db.example.invalid',
      DISCORD_BOT_TOKEN: 't',
      API_KEYS: 'k'.repeat(40),
      AWS_SQS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/prize-distribution',
    };
    const fresh = await startLocal(elsewhere, ['--fresh']);
    expect(fresh.code).toBe(1);
    expect(fresh.output).toMatch(
      /--fresh recreates a database on this machine only, never with NODE_ENV=production: DATABASE_URL is on db\.example\.invalid, not on this machine/,
    );
    const reset = await startLocal({ DATABASE_URL: elsewhere.DATABASE_URL }, [], DB_RESET);
    expect(reset.code).toBe(1);
    expect(reset.output).toMatch(
      /db:reset resets a database on this machine only, never with NODE_ENV=production: DATABASE_URL is on db\.example\.invalid/,
    );
  });
});

describe("a second shell gets npm start's settings only where they cannot mix with its own (issue 20)", () => {
  const localDir = mkdtempSync(path.join(tmpdir(), 'with-local-env-'));
  const tool = path.join(localDir, 'print-env.mjs');
  writeFileSync(tool, 'console.log(JSON.stringify(process.env));\n');
  writeFileSync(
    path.join(localDir, 'env'),
    [
      '# Written by npm start (pid 1) for a second shell; removed when it stops.',
      'DATABASE_URL=postgresql://postgres@127.0.0.1:5432/dqb_never_created',
      'AWS_REGION=us-east-1',
      'AWS_ACCESS_KEY_ID=local',
      'AWS_SECRET_ACCESS_KEY=local',
      'AWS_ENDPOINT_URL_SQS=http://127.0.0.1:4566',
      'AWS_SQS_QUEUE_URL=http://sqs.us-east-1.localhost:4566/000000000000/prize-distribution',
      'CAMPAIGN_QUEUE_URL=http://sqs.us-east-1.localhost:4566/000000000000/campaign-tasks.fifo',
      'API_URL=http://127.0.0.1:3000',
      'RELAY_URL=http://127.0.0.1:3000',
      'RELAY_API_KEY=local-demo-key',
      'DISCORD_STANDIN_URL=http://127.0.0.1:3002/',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(localDir, 'api-key'), `${'a'.repeat(43)}\n`);
  /** What `npm run relay` / `npm run dlq` hand their tool, in a shell with these settings. */
  async function toolEnv(shell: Record<string, string>): Promise<Record<string, string | undefined>> {
    const { code, output } = await startLocal({ LOCAL_STATE_DIR: localDir, ...shell }, [tool], WITH_LOCAL_ENV);
    expect(code).toBe(0);
    return JSON.parse(output) as Record<string, string | undefined>;
  }

  it("gives the relay's URL and key only as a pair, and only to a shell that sets neither", async () => {
    expect(await toolEnv({})).toMatchObject({
      RELAY_URL: 'http://127.0.0.1:3000',
      RELAY_API_KEY: 'local-demo-key',
      DATABASE_URL: expect.stringContaining('127.0.0.1'),
    });
    // A real key is not sent to the local API, nor the local demo key to another relay.
    const realKey = await toolEnv({ RELAY_API_KEY: 'real-key' });
    expect(realKey.RELAY_API_KEY).toBe('real-key');
    expect(realKey.RELAY_URL).toBeUndefined();
    const otherRelay = await toolEnv({ RELAY_URL: 'https://relay.example.invalid' });
    expect(otherRelay.RELAY_URL).toBe('https://relay.example.invalid');
    expect(otherRelay.RELAY_API_KEY).toBeUndefined();
  });

  it("npm run demo sends npm start's keys only to npm start's API and relay", async () => {
    const otherApi = await startLocal({ LOCAL_STATE_DIR: localDir, API_URL: 'https://api.example.invalid' }, [], DEMO);
    expect(otherApi).toMatchObject({
      code: 1,
      output: expect.stringContaining('no admin key for https://api.example.invalid'),
    });
    const realRelayKey = await startLocal({ LOCAL_STATE_DIR: localDir, RELAY_API_KEY: 'real-key' }, [], DEMO);
    expect(realRelayKey).toMatchObject({
      code: 1,
      output: expect.stringContaining("needs the relay's URL and key as a pair"),
    });
  });

  it("never mixes the local SQS endpoint, queues or credentials with a shell's own", async () => {
    // A queue of the shell's own: no local endpoint, queue, credentials (nor anything else) added.
    const ownQueue = await toolEnv({
      DISCORD_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/discord-queue',
    });
    expect(ownQueue).not.toHaveProperty('AWS_ENDPOINT_URL_SQS');
    expect(ownQueue).not.toHaveProperty('AWS_SQS_QUEUE_URL');
    expect(ownQueue).not.toHaveProperty('AWS_ACCESS_KEY_ID');
    expect(ownQueue).not.toHaveProperty('RELAY_API_KEY');
    // An endpoint of the shell's own: none of the local queues.
    const ownEndpoint = await toolEnv({ AWS_ENDPOINT_URL: 'https://sqs.example.com' });
    expect(ownEndpoint).not.toHaveProperty('AWS_SQS_QUEUE_URL');
    expect(ownEndpoint).not.toHaveProperty('CAMPAIGN_QUEUE_URL');
    // Credentials of the shell's own stay whole: never its access key with the local secret.
    const ownKey = await toolEnv({ AWS_ACCESS_KEY_ID: 'AKIAREAL' });
    expect(ownKey).toMatchObject({ AWS_ACCESS_KEY_ID: 'AKIAREAL', AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4566' });
    expect(ownKey).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
  });
});

describe('npm start runs replicas, each with its own ports, and stops them before the local services (issue 20)', () => {
  it('starts two workers, says Started once all answer, writes every queue for a second shell, and Ctrl-C leaves no error line', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/dqb_start_local_${process.pid}`;
    const localDir = mkdtempSync(path.join(tmpdir(), 'start-local-'));
    const [api, worker, fauxqs] = [await freePort(), await freePort(), await freePort()];
    const metrics = 20000 + Math.floor(Math.random() * 20000);
    // Its own process group, so that Ctrl-C can reach every process at once, as a terminal's does.
    const child = spawn(process.execPath, [START, '--fresh', '--workers', '2', '--consumers', 'prize-distribution'], {
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME!,
        DATABASE_URL: url.toString(),
        API_PORT: String(api),
        WORKER_PORT: String(worker),
        FAUXQS_PORT: String(fauxqs),
        DISCORD_BOT_TOKEN: 'not-used-by-the-prize-consumer',
        API_KEYS: 'k'.repeat(40),
        LOCAL_STATE_DIR: localDir,
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metrics),
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines = () =>
      output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    try {
      const started = await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
          return lines().find((l) => l.msg === 'Started');
        },
        { what: 'Started', timeoutMs: 90_000 },
      );

      // Started comes after every app listens; each app has its own port and metrics port.
      expect(
        lines()
          .filter((l) => l.msg === 'Listening')
          .map((l) => l.port)
          .sort(),
      ).toEqual([api, worker, worker + 1].sort());
      expect(output.lastIndexOf('"msg":"Listening"')).toBeLessThan(output.indexOf('"msg":"Started"'));
      expect(started).toMatchObject({
        api: `http://127.0.0.1:${api}`,
        'worker-1': `http://127.0.0.1:${worker}/health/ready`,
        'worker-2': `http://127.0.0.1:${worker + 1}/health/ready`,
        metrics: {
          api: `http://127.0.0.1:${metrics}/metrics`,
          'worker-1': `http://127.0.0.1:${metrics + 1}/metrics`,
          'worker-2': `http://127.0.0.1:${metrics + 2}/metrics`,
        },
      });
      for (const port of [worker, worker + 1])
        expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
      for (const port of [metrics, metrics + 1, metrics + 2])
        expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);

      // What a second shell needs: the endpoint and every queue with its DLQ, the campaign queue too.
      const settings = readFileSync(path.join(localDir, 'env'), 'utf8');
      for (const name of [
        'AWS_ENDPOINT_URL_SQS',
        'PRIZE_DISTRIBUTION_QUEUE_URL',
        'DISCORD_QUEUE_URL',
        'BACKEND_QUEUE_URL',
        'BOT_OPERATIONS_QUEUE_URL',
        'CAMPAIGN_QUEUE_URL',
        'CAMPAIGN_QUEUE_DLQ_URL',
        'DATABASE_URL',
        'API_URL',
      ]) {
        expect(settings).toMatch(new RegExp(`^${name}=\\S+$`, 'm'));
      }

      process.kill(-child.pid!, 'SIGINT');
      expect(await exited).toBe(0);
      const all = lines();
      const stopping = all.findIndex((l) => l.msg === 'Apps stopped; stopping the local services');
      const shutdowns = all.map((l, i) => (l.msg === 'Shutting down' ? i : -1)).filter((i) => i >= 0);
      expect(shutdowns).toHaveLength(3);
      expect(Math.max(...shutdowns)).toBeLessThan(stopping);
      expect(all.filter((l) => Number(l.level) >= 50)).toEqual([]);
      expect(existsSync(path.join(localDir, 'env'))).toBe(false);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      const admin = new Client({ connectionString: new URL('/postgres', url).toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
      await admin.end();
    }
  }, 180_000);
});
