import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { waitFor } from './sqs';
import { freePort } from './worker-process';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '../..');
const example = path.join(repo, 'examples/marketplace-backend');

export interface InstalledHost {
  /** A copy of examples/marketplace-backend outside the repository, with the packed tarballs installed. */
  dir: string;
  remove(): void;
}

/** Runs a command of the host's (its own node_modules/.bin first), failing with its output. */
export async function inHost(
  host: InstalledHost,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd: host.dir,
      env: { ...process.env, ...env, PATH: `${path.join(host.dir, 'node_modules/.bin')}:${process.env.PATH}` },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in the host app:\n${stdout}\n${stderr}`);
  }
}

/**
 * The marketplace's backend as a host installs the backbone: the packages packed into tarballs
 * (after `npm run build`), the example copied to a temporary directory (so no relative path can
 * reach into libs/), its @discord-backbone/* dependencies pointed at the tarballs, then
 * `npm install --prefer-offline` (the tarballs are local files; everything else comes from npm's cache, filled by the repo's install, and the registry only for what the cache lacks),
 * `prisma generate` of the host's own schema and its build.
 */
export async function installHostApp(): Promise<InstalledHost> {
  const dir = mkdtempSync(path.join(tmpdir(), 'marketplace-host-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const packs = path.join(dir, 'packs');
    const { stdout } = await run(process.execPath, [path.join(repo, 'scripts/packages/pack.mjs'), packs], {
      cwd: repo,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarballs = JSON.parse(stdout) as Record<string, string>;
    const app = path.join(dir, 'app');
    cpSync(example, app, { recursive: true, filter: (source) => !/[/\\](node_modules|dist)$/.test(source) });
    const manifest = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const [name, tarball] of Object.entries(tarballs)) manifest.dependencies[name] = `file:${tarball}`;
    writeFileSync(path.join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    const host = { dir: app, remove };
    await inHost(host, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']);
    await inHost(host, 'npx', ['prisma', 'generate'], { PRISMA_QUERY_ENGINE_LIBRARY: '/dev/null' });
    await inHost(host, 'npm', ['run', 'build']);
    return host;
  } catch (error) {
    remove();
    throw error;
  }
}

/** An empty database of its own for the host (dropped by the returned function). */
export async function createHostDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_BASE_URL ?? 'postgresql://postgres@127.0.0.1:5432';
  const name = `dqb_host_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `${base}/${name}`,
    drop: async () => {
      const client = new Client({ connectionString: `${base}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface HostProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** The host's built app (`node dist/main.js`) with these settings; resolves once it answers. */
export async function startHost(host: InstalledHost, env: Record<string, string>): Promise<HostProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(host.dir, 'dist/main.js')], {
    cwd: host.dir,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the host app exited during start-up:\n${output}`);
      return fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      );
    },
    { what: 'the host app to answer', timeoutMs: 30000 },
  );
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
