import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';

const START = path.resolve(__dirname, '../scripts/start-local.mjs');

/** `npm start`'s script with exactly these settings (and no others of this shell); its exit and output. */
function startLocal(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [START], { env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    expect(output).toMatch(/- AWS_SQS_QUEUE_URL/);
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
  });
});
