// Local stand-ins shared by `npm start`, the test set-up and the benchmark: a fauxqs process
// and a Postgres database with the Prisma migrations applied; the system's queues on it; the
// settings file (.local/env) through which a second shell finds what `npm start` runs.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** npm start's database unless DATABASE_URL says otherwise. */
export const LOCAL_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/discord_queue_backbone';
const BIN = path.join(ROOT, 'node_modules', '.bin');

/**
 * Starts fauxqs as a child process; resolves with its endpoint once it listens. `ignoreSigint`:
 * only SIGTERM stops it (Ctrl-C reaches the whole terminal; its parent stops it when done with it).
 */
export function startFauxqs({ port = 0, ignoreSigint = false } = {}) {
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', path.join(ROOT, 'scripts', 'fauxqs-server.mjs')],
    {
      env: { ...process.env, FAUXQS_PORT: String(port), ...(ignoreSigint ? { IGNORE_SIGINT: 'true' } : {}) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fauxqs exited with code ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      const { port: actual } = JSON.parse(line);
      resolve({ endpoint: `http://127.0.0.1:${actual}`, port: actual, process: child });
    });
  });
}

/** The server URL without the database name, e.g. postgresql://postgres@127.0.0.1:5432 */
function adminUrl(databaseUrl) {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/** This machine, as a database host: a reset (`db:reset`, `npm start -- --fresh`) touches nothing else. */
const THIS_MACHINE = ['127.0.0.1', 'localhost', '[::1]'];

/** The host a Postgres URL connects to: its `host` parameter when it has one (pg reads that first), else its host name. */
export function databaseHost(databaseUrl) {
  const url = new URL(databaseUrl);
  return url.searchParams.get('host') ?? url.hostname;
}

export const isLocalDatabase = (databaseUrl) => THIS_MACHINE.includes(databaseHost(databaseUrl));

/**
 * Why this database must not be dropped and recreated, or undefined: `npm run db:reset` and
 * `npm start -- --fresh` reset a database on this machine only, and never with NODE_ENV=production.
 */
export function resetRefusal(databaseUrl, env = process.env) {
  const reasons = [];
  if (!isLocalDatabase(databaseUrl))
    reasons.push(
      `DATABASE_URL is on ${databaseHost(databaseUrl) || 'no host'}, not on this machine (${THIS_MACHINE.join(', ')})`,
    );
  if (env.NODE_ENV === 'production') reasons.push('NODE_ENV=production');
  return reasons.length > 0 ? reasons.join(' and ') : undefined;
}

/**
 * Creates the database if missing and applies the migrations: the marketplace's (this repo plays
 * the host) with `prisma migrate deploy`, then the backbone's own schema with libs/prisma's CLI.
 */
export async function prepareDatabase(databaseUrl, { recreate = false } = {}) {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: adminUrl(databaseUrl) });
  await admin.connect();
  try {
    if (recreate) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  execFileSync(path.join(BIN, 'prisma'), ['migrate', 'deploy'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  execFileSync(process.execPath, [...BACKBONE_DB, 'migrate'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Settings of a pg client on `databaseUrl` that finds the backbone's tables unqualified, as the apps' connections do. */
export const backboneConnection = (databaseUrl) => ({
  connectionString: databaseUrl,
  options: '-c search_path=discord_backbone,public',
});

/** The backbone's migration CLI, from source (Node 22 strips its types): `node ...BACKBONE_DB migrate`. */
const BACKBONE_DB = [path.join(ROOT, 'libs', 'prisma', 'src', 'schema', 'cli.ts')];

export async function dropDatabase(databaseUrl) {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: adminUrl(databaseUrl) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Creates a queue and its DLQ with a redrive policy (idempotent, like CreateQueue); FIFO: `name` without .fifo. */
export async function createQueuePair(sqs, name, { maxReceiveCount = 3, visibilityTimeout = 30, fifo = false } = {}) {
  const { CreateQueueCommand, GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const suffix = fifo ? '.fifo' : '';
  const fifoAttributes = fifo ? { FifoQueue: 'true' } : {};
  const { QueueUrl: dlqUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}-dlq${suffix}`, Attributes: fifoAttributes }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const { QueueUrl: queueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}${suffix}`,
      Attributes: {
        ...fifoAttributes,
        VisibilityTimeout: String(visibilityTimeout),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes.QueueArn, maxReceiveCount }),
      },
    }),
  );
  return { queueUrl, dlqUrl };
}

/**
 * The queue table (libs/contracts/src/queues.table.ts), from the built @discord-backbone/contracts
 * package as a host reads it (`npm start` builds it; `npm run local:queues` builds that package alone).
 */
export async function queueTable() {
  try {
    return (await import('@discord-backbone/contracts')).default;
  } catch (error) {
    throw new Error(
      `The queue table comes from the built @discord-backbone/contracts package: run \`npm run build\` first (${error.message})`,
    );
  }
}

/**
 * A queue `name` and its DLQ shaped as the queue table says for the system's queue `queue`
 * (FIFO or not, the redrive count and visibility of its defaults).
 */
export async function createSystemQueuePair(sqs, name, queue) {
  const { QUEUES } = await queueTable();
  const { fifo, defaults } = QUEUES[queue];
  return createQueuePair(sqs, name, {
    maxReceiveCount: defaults.maxReceiveCount,
    visibilityTimeout: defaults.visibilityTimeout,
    fifo,
  });
}

/** Every name a queue's URL or DLQ URL is read from (the scheme's and the older ones). */
export async function queueLocationSettings() {
  const { QUEUE_NAMES, queueSettingNames } = await queueTable();
  return QUEUE_NAMES.flatMap((name) => [
    ...queueSettingNames(name, 'queueUrl'),
    ...queueSettingNames(name, 'deadLetterQueueUrl'),
  ]);
}

/**
 * Every queue of the table and its DLQ on a local SQS endpoint (idempotent), as the settings the
 * apps read. Redrive and visibility are the table's defaults: an effect consumer's redrive
 * count stays above its attempts, since waits and FIFO hand-backs are receives too.
 */
export async function createLocalQueues(sqs) {
  const { QUEUES, QUEUE_NAMES, queueSettingName } = await queueTable();
  const settings = {};
  for (const name of QUEUE_NAMES) {
    const pair = await createSystemQueuePair(sqs, QUEUES[name].localName, name);
    settings[queueSettingName(name, 'queueUrl')] = pair.queueUrl;
    settings[queueSettingName(name, 'deadLetterQueueUrl')] = pair.dlqUrl;
  }
  return settings;
}

/** An SQS client for a local endpoint (fauxqs): calls go to the endpoint, not the queue URL's host. */
export async function localSqsClient(endpoint, region = 'us-east-1') {
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  return new SQSClient({
    region,
    endpoint,
    useQueueUrlAsEndpoint: false,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Where npm start keeps its local keys, the relay's file and the settings for a second shell (git-ignored). */
export const LOCAL_DIR = process.env.LOCAL_STATE_DIR
  ? path.resolve(process.env.LOCAL_STATE_DIR)
  : path.join(ROOT, '.local');
/** What `npm start` runs, for a second shell: `npm run dlq`, `npm run relay`, `npm run demo` read it. */
export const LOCAL_ENV_FILE = path.join(LOCAL_DIR, 'env');
/** Settings that point a shell at some SQS: when the shell has any, .local/env is not mixed in. */
const SQS_LOCATION = /^(AWS_ENDPOINT_URL(_SQS)?|.*_QUEUE_URL|.*_DLQ_URL)$/;

export function writeLocalEnv(settings, owner) {
  fs.mkdirSync(path.dirname(LOCAL_ENV_FILE), { recursive: true, mode: 0o700 });
  const lines = Object.entries(settings)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  fs.writeFileSync(
    LOCAL_ENV_FILE,
    `# Written by npm start (pid ${owner}) for a second shell; removed when it stops.\n${lines.join('\n')}\n`,
    { mode: 0o600 },
  );
}

/** Removes .local/env if this process wrote it (not a later npm start's). */
export function removeLocalEnv(owner) {
  try {
    if (fs.readFileSync(LOCAL_ENV_FILE, 'utf8').startsWith(`# Written by npm start (pid ${owner})`))
      fs.rmSync(LOCAL_ENV_FILE);
  } catch {
    // already gone
  }
}

/**
 * Settings that go only together: where a key is sent and the key (the relay's URL and its demo
 * backend key; the local SQS credentials). A shell that sets one of a group keeps its own and gets
 * none of the group from .local/env: never a real key sent to the local API, nor the demo key to
 * another relay.
 */
const TOGETHER = [
  ['RELAY_URL', 'RELAY_API_KEY'],
  ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
];

/**
 * Adds npm start's settings (.local/env) to `env` where `env` has none of its own (a group of
 * TOGETHER only where it has none of the group), unless `env` already points at some SQS (a shell
 * set up for another system never gets local queues mixed in, nor its queues the local endpoint).
 * Returns whether the file was used.
 */
export function applyLocalEnv(env = process.env) {
  if (!fs.existsSync(LOCAL_ENV_FILE)) return false;
  if (Object.keys(env).some((key) => SQS_LOCATION.test(key) && env[key])) return false;
  const own = new Set(Object.keys(env).filter((key) => env[key]));
  for (const line of fs.readFileSync(LOCAL_ENV_FILE, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    const group = match && (TOGETHER.find((keys) => keys.includes(match[1])) ?? [match[1]]);
    if (group && !group.some((key) => own.has(key))) env[match[1]] = match[2];
  }
  return true;
}
