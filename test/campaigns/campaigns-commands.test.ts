import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { FakeDiscord, startFakeDiscord } from '@discord-backbone/discord-standin';

const script = path.resolve(__dirname, '../../dist/apps/api/src/discord-commands.js');

/** The built `npm run discord:commands`, against the fake Discord. */
function register(env: Record<string, string>, args: string[] = []): Promise<{ code: number; output: string }> {
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first (npm test does)`);
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe('npm run discord:commands', () => {
  let discord: FakeDiscord;

  beforeAll(async () => {
    discord = await startFakeDiscord();
  });
  afterAll(() => discord.close());

  it('overwrites the application’s commands globally, or in one server with --guild', async () => {
    const env = { DISCORD_BOT_TOKEN: discord.token, DISCORD_API_BASE_URL: discord.apiUrl };
    const global = await register(env);
    expect(global).toEqual({
      code: 0,
      output: `Registered /add-campaign for application ${discord.applicationId} globally\n`,
    });
    const [command] = discord.commands.get('global')!;
    expect(command).toMatchObject({
      name: 'add-campaign',
      type: 1,
      default_member_permissions: PermissionFlagsBits.ManageChannels.toString(),
      contexts: [0],
      options: [
        { name: 'name', type: 3, required: true, min_length: 1, max_length: 100 },
        {
          name: 'template',
          type: 3,
          required: false,
          choices: [
            { name: 'Standard campaign (10 channels)', value: 'standard' },
            { name: 'One-shot (4 channels)', value: 'one-shot' },
          ],
        },
      ],
    });

    const guildId = discord.addGuild().id;
    expect(
      await register({ ...env, DISCORD_APPLICATION_ID: discord.applicationId }, ['--guild', guildId]),
    ).toMatchObject({ code: 0, output: expect.stringContaining(`in server ${guildId}`) });
    expect(discord.commands.get(guildId)!.map((c) => c.name)).toEqual(['add-campaign']);
    // Bulk overwrite: PUT, the whole set each time.
    expect(discord.requests.filter((r) => r.path.includes('/commands')).map((r) => r.method)).toEqual(['PUT', 'PUT']);
  });

  it('says what is missing', async () => {
    expect(await register({ DISCORD_BOT_TOKEN: '' })).toEqual({
      code: 1,
      output: 'Command registration failed: DISCORD_BOT_TOKEN is required (the bot token of the application)\n',
    });
    expect(await register({ DISCORD_BOT_TOKEN: 't' }, ['--guild', 'mine'])).toMatchObject({
      code: 1,
      output: expect.stringContaining('--guild must be a server id'),
    });
  });
});
