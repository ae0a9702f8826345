import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LeaseResponse } from '@discord-backbone/contracts';
import { useTestInfra } from '../support/infra';
import { KEY_ALPHA, relayRig, RelayRig, seedDeliveries } from '../support/relay';
import { waitFor } from '../support/sqs';
import { freePort } from '../support/worker-process';

const CLI = path.resolve(__dirname, '../../dist/apps/relay-cli/src/main.js');
const run = promisify(execFile);

/** The built CLI (`npm run build`), as a backend operator runs it, against the real API app. */
describe('relay CLI', () => {
  const { prisma } = useTestInfra();
  let rig: RelayRig;
  let env: Record<string, string>;

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  });
  beforeEach(async () => {
    rig = await relayRig();
    const { url } = await rig.startApi();
    env = { ...process.env, RELAY_URL: url, RELAY_API_KEY: KEY_ALPHA };
  });
  afterEach(() => rig.close());

  const relay = async (args: string[], extra: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...env, ...extra } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('leases (--json), acks, reads pending and sends', async () => {
    await seedDeliveries(prisma, 3);
    const leased = await relay(['lease', '--limit', '2', '--json']);
    expect(leased.code).toBe(0);
    const { messages } = JSON.parse(leased.stdout) as LeaseResponse;
    expect(messages.map((m) => m.discord_message.content)).toEqual(['message 1', 'message 2']);

    const acked = await relay(['ack', ...messages.map((m) => m.receipt)]);
    expect(acked).toMatchObject({
      code: 0,
      stdout: `ok            ${messages[0].receipt}\nok            ${messages[1].receipt}\n`,
    });
    expect((await relay(['ack', 'nonsense'])).code).toBe(3);

    const pending = await relay(['pending']);
    expect(pending.stdout).toMatch(
      /^\S+Z discord_a #1400000000000000000 someone \(1500000000000000000\): message 3\n$/,
    );

    const sent = await relay([
      'send',
      '--bot',
      'discord_a',
      '--channel',
      rig.channelA,
      '--idempotency-key',
      'k1',
      'hello',
      'there',
    ]);
    expect(sent).toMatchObject({ code: 0, stdout: expect.stringMatching(/^sent \d+ in channel \d+\n$/) });
    expect(rig.discord.messages(rig.channelA).map((m) => m.content)).toEqual(['hello there']);
  });

  it('says clearly when the key is wrong, the server is down, or the command is incomplete', async () => {
    const wrongKey = await relay(['pending'], { RELAY_API_KEY: 'not-the-key-at-all-0123456789abcdefghij' });
    expect(wrongKey).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('relay: The relay refused the key (401)'),
    });
    const down = await relay(['pending'], { RELAY_URL: `http://127.0.0.1:${await freePort()}` });
    expect(down).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/Cannot reach the relay at .*connection refused/),
    });
    expect(await relay(['pending'], { RELAY_API_KEY: '' })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('No key'),
    });
    // A key without a URL goes nowhere (it used to go to http://127.0.0.1:3000, whatever listens there).
    const keyAlone = await run(process.execPath, [CLI, 'pending'], {
      env: Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'RELAY_URL')),
    }).catch((e: { code: number; stderr: string }) => e);
    expect(keyAlone).toMatchObject({ code: 2, stderr: expect.stringContaining('No relay URL') });
    expect(await relay(['send', '--bot', 'discord_a', 'hi'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('exactly one destination'),
    });
  });

  it('tail prints messages as they arrive and acknowledges them, until Ctrl-C', async () => {
    const tail = spawn(process.execPath, [CLI, 'tail'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    tail.stdout.on('data', (d: Buffer) => (output += d.toString()));
    tail.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => tail.once('exit', resolve));
    await seedDeliveries(prisma, 2);
    await prisma.$executeRaw`SELECT pg_notify('relay_deliveries', 'alpha')`;
    await waitFor(() => output.split('\n').filter(Boolean).length >= 2, { what: 'two printed lines' });
    await waitFor(async () => (await prisma.relayDelivery.count({ where: { state: 'acked' } })) === 2, {
      what: 'acks',
    });
    tail.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toMatch(/message 1\n.*message 2\n$/);
  });
});
