import { spawn } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DEMO, DiscordStandin, StandinView, startDiscordStandin } from '@discord-backbone/discord-standin';
import { freePort } from '../support/worker-process';

// The stand-in on its own: what `npm start` shows a newcomer instead of Discord. The page in a real
// browser, after real flows, is test/browser/discord-standin-page.test.ts.
describe('Discord stand-in', () => {
  let standin: DiscordStandin;
  const base = () => standin.pageUrl.replace(/\/$/, '');
  const state = async () => (await (await fetch(`${base()}/state.json`)).json()) as StandinView;
  const postForm = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${base()}${path}`, { method: 'POST', body: new URLSearchParams(fields), headers, redirect: 'manual' });

  beforeEach(async () => {
    standin = await startDiscordStandin({ port: 0, botToken: 'standin-unit-token' });
  });
  afterEach(() => standin.close());

  it('starts with the demo server: its channels, roles and people, under fixed ids', async () => {
    const [guild] = (await state()).guilds;
    expect(guild).toMatchObject({ id: DEMO.guildId, name: 'Demo server (stand-in)' });
    expect(guild.channels.map((c) => [c.id, c.name])).toEqual([
      [DEMO.channels.general, 'general'],
      [DEMO.channels.orders, 'orders'],
      [DEMO.channels.vip, 'vip'],
    ]);
    expect(guild.members.map((m) => [m.name, m.bot, m.roles])).toEqual([
      ['marketplace-bot', true, ['bot']],
      ['alice', false, ['Game master']],
      ['bob', false, []],
    ]);
    expect(guild.channels[2].access).toEqual([
      { name: '@everyone', view: false },
      { name: 'Subscriber', view: true },
      { name: 'bot', view: true },
    ]);
  });

  it('plays Discord’s REST API for its bot token only', async () => {
    const me = (token: string) =>
      fetch(`${standin.apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${token}` } });
    expect((await me('standin-unit-token')).status).toBe(200);
    expect((await me('someone-else')).status).toBe(401);
  });

  it('posts as a user into a channel or a DM with the bot, and says what it did', async () => {
    const inChannel = await postForm('/messages', {
      author: DEMO.users.bob,
      channel: DEMO.channels.general,
      content: 'Anyone up for a raid?',
    });
    expect(inChannel.status).toBe(303);
    expect(decodeURIComponent(inChannel.headers.get('location') ?? '')).toBe('/?notice=bob posted in #general.');
    await postForm('/messages', { author: DEMO.users.alice, channel: 'dm', content: 'Where is my order?' });

    const view = await state();
    expect(view.guilds[0].channels[0].messages.map((m) => [m.author, m.content])).toEqual([
      ['bob', 'Anyone up for a raid?'],
    ]);
    expect(view.dms).toEqual([
      expect.objectContaining({
        user: 'alice',
        bot: 'marketplace-bot',
        messages: [expect.objectContaining({ author: 'alice', content: 'Where is my order?' })],
      }),
    ]);
  });

  it('refuses a form from another site, an empty or overlong message and an oversized form, posting nothing', async () => {
    const crossSite = await postForm(
      '/messages',
      { author: DEMO.users.bob, channel: DEMO.channels.general, content: 'forged' },
      { origin: 'http://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    const empty = await postForm('/messages', {
      author: DEMO.users.bob,
      channel: DEMO.channels.general,
      content: '  ',
    });
    expect(decodeURIComponent(empty.headers.get('location') ?? '')).toBe('/?notice=A message has 1–2000 characters.');
    const overlong = await postForm('/messages', {
      author: DEMO.users.bob,
      channel: DEMO.channels.general,
      content: 'x'.repeat(2001),
    });
    expect(decodeURIComponent(overlong.headers.get('location') ?? '')).toBe(
      '/?notice=A message has 1–2000 characters.',
    );
    const oversized = await postForm('/messages', {
      author: DEMO.users.bob,
      channel: DEMO.channels.general,
      content: 'x'.repeat(20_000),
    });
    expect(oversized.status).toBe(413);
    expect((await state()).guilds[0].channels[0].messages).toEqual([]);
  });

  it('refuses to post as a bot, into a category or with a command nobody registered', async () => {
    const asBot = await postForm('/messages', {
      author: standin.discord.botUserId,
      channel: DEMO.channels.general,
      content: 'hi',
    });
    expect(decodeURIComponent(asBot.headers.get('location') ?? '')).toBe(
      '/?notice=Choose who posts (a person, not a bot).',
    );
    const category = standin.discord.addChannel(DEMO.guildId, { type: 4, name: 'a category' });
    const intoCategory = await postForm('/messages', { author: DEMO.users.bob, channel: category, content: 'hi' });
    expect(decodeURIComponent(intoCategory.headers.get('location') ?? '')).toBe('/?notice=Choose a text channel.');
    standin.discord.interactionsUrl = 'http://127.0.0.1:9/interactions';
    const unknown = await postForm('/commands', {
      command: 'ban-everyone',
      user: DEMO.users.alice,
      channel: DEMO.channels.general,
    });
    expect(decodeURIComponent(unknown.headers.get('location') ?? '')).toBe(
      '/?notice=/ban-everyone is not a registered command.',
    );
    expect((await state()).guilds[0].channels.flatMap((c) => c.messages)).toEqual([]);
  });

  it('answers only to loopback names, so a page elsewhere cannot reach it by DNS rebinding', async () => {
    const { port } = new URL(standin.pageUrl);
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/state.json', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect(await statusFor(`evil.example:${port}`)).toBe(421);
    expect(await statusFor(`localhost:${port}`)).toBe(200);
  });

  it('shows what people wrote as text, never as markup, and mentions by name', async () => {
    standin.discord.postMessage({
      authorId: DEMO.users.bob,
      channelId: DEMO.channels.general,
      content: `<script>alert(1)</script> hi <@${DEMO.users.alice}> in <#${DEMO.channels.orders}>`,
    });
    const page = await (await fetch(`${base()}/`)).text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain(
      '&#60;script&#62;alert(1)&#60;/script&#62; hi <span class="md-mention">@alice</span> in <span class="md-mention">#orders</span>',
    );
    expect(page).toContain('NOT DISCORD');
    expect((await state()).guilds[0].channels[0].messages[0].text).toBe(
      '<script>alert(1)</script> hi @alice in #orders',
    );
  });

  it('renders Discord markdown as Discord does, escaped first: a payload inside bold or code stays text', async () => {
    const content = `**Dragon Hunt** for <@&${DEMO.roles.subscriber}>: *join* __now__ ~~later~~ \`/claim\` **<img src=x onerror=alert(1)>**\n\`\`\`\n<b>raw</b>\n\`\`\``;
    standin.discord.postMessage({ authorId: DEMO.users.alice, channelId: DEMO.channels.general, content });
    const page = await (await fetch(`${base()}/view`)).text();
    expect(page).toContain(
      '<strong>Dragon Hunt</strong> for <span class="md-mention">@Subscriber</span>: <em>join</em> <u>now</u> <s>later</s> <code class="md-code">/claim</code> <strong>&#60;img src=x onerror=alert(1)&#62;</strong>\n<pre class="md-codeblock"><code>&#60;b&#62;raw&#60;/b&#62;</code></pre>',
    );
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>raw');
    expect((await state()).guilds[0].channels[0].messages[0].content).toBe(content);
  });

  it('lists every member with their roles, unfolded, and sets a font stack that draws emoji', async () => {
    const page = await (await fetch(`${base()}/`)).text();
    expect(page).not.toContain('<details>');
    expect(page).toContain(
      `<li class="member" data-user-id="${DEMO.users.alice}">alice<span class="role">Game master</span></li>`,
    );
    expect(page).toContain('<span class="tag">BOT</span><span class="role">bot</span>');
    expect(page).toMatch(
      /body\{font:14px\/1\.4 [^}]*"Apple Color Emoji","Segoe UI Emoji","Segoe UI Symbol","Noto Color Emoji"/,
    );
  });

  it('offers the slash commands the app registered, and says when there is no interactions endpoint to send them to', async () => {
    const page = async () => (await fetch(`${base()}/`)).text();
    expect(await page()).toContain('None registered yet');
    const app = (await (
      await fetch(`${standin.apiUrl}/v10/applications/@me`, { headers: { authorization: 'Bot standin-unit-token' } })
    ).json()) as { id: string };
    const registered = await fetch(`${standin.apiUrl}/v10/applications/${app.id}/guilds/${DEMO.guildId}/commands`, {
      method: 'PUT',
      headers: { authorization: 'Bot standin-unit-token', 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          type: 1,
          name: 'add-campaign',
          description: 'Create a campaign',
          options: [{ type: 3, name: 'name', description: 'Its name', required: true }],
        },
      ]),
    });
    expect(registered.status).toBe(200);
    expect(await page()).toContain('Run /add-campaign');

    const run = await postForm('/commands', {
      command: 'add-campaign',
      user: DEMO.users.alice,
      channel: DEMO.channels.general,
      'option.name': 'Dragon Hunt',
    });
    expect(decodeURIComponent(run.headers.get('location') ?? '')).toContain('No interactions endpoint');
  });

  describe('the built tool, as npm start runs it', () => {
    it('reports ready, survives requests Discord would refuse, logs its calls without the token, and stops on SIGTERM', async () => {
      const main = path.resolve(__dirname, '../../dist/tools/discord-standin/src/main.js');
      const token = 'standin-process-token-0123456789';
      const child = spawn(process.execPath, [main], {
        env: {
          ...process.env,
          DISCORD_STANDIN_PORT: String(await freePort()),
          DISCORD_BOT_TOKEN: token,
          LOG_LEVEL: 'debug',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const ready = await new Promise<{ page: string; apiUrl: string; notDiscord: boolean }>((resolve, reject) => {
          child.once('exit', () => reject(new Error(`the stand-in exited before it was ready:\n${output}`)));
          createInterface({ input: child.stdout }).on('line', (line) => {
            output += `${line}\n`;
            const entry = JSON.parse(line) as { ready?: boolean; page: string; apiUrl: string; notDiscord: boolean };
            if (entry.ready) resolve(entry);
          });
        });
        expect(ready.notDiscord).toBe(true);
        const site = ready.page.replace(/\/$/, '');
        for (const weird of ['/api/v10', '/api/v10/', '/api/v10/%zz', '/api/v10/guilds/1/../../x']) {
          expect((await fetch(`${site}${weird}`)).status).toBeGreaterThanOrEqual(400);
        }
        expect(
          (await fetch(`${ready.apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${token}` } })).status,
        ).toBe(200);
        expect((await fetch(`${site}/state.json`)).status).toBe(200);
        expect(child.exitCode).toBeNull();
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      expect(output).toContain('"route":"/users/@me"');
      expect(output).not.toContain(token);
      for (const line of output.trim().split('\n'))
        expect(JSON.parse(line)).toMatchObject({ name: 'discord-standin', notDiscord: true });
    });
  });
});
