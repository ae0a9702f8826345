import { DEMO, DiscordStandin, startDiscordStandin, StandinView } from '@app/discord-standin';

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
    const me = (token: string) => fetch(`${standin.apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${token}` } });
    expect((await me('standin-unit-token')).status).toBe(200);
    expect((await me('someone-else')).status).toBe(401);
  });

  it('posts as a user into a channel or a DM with the bot, and says what it did', async () => {
    const inChannel = await postForm('/messages', { author: DEMO.users.bob, channel: DEMO.channels.general, content: 'Anyone up for a raid?' });
    expect(inChannel.status).toBe(303);
    expect(decodeURIComponent(inChannel.headers.get('location') ?? '')).toBe('/?notice=bob posted in #general.');
    await postForm('/messages', { author: DEMO.users.alice, channel: 'dm', content: 'Where is my order?' });

    const view = await state();
    expect(view.guilds[0].channels[0].messages.map((m) => [m.author, m.content])).toEqual([['bob', 'Anyone up for a raid?']]);
    expect(view.dms).toEqual([expect.objectContaining({ user: 'alice', bot: 'marketplace-bot', messages: [expect.objectContaining({ author: 'alice', content: 'Where is my order?' })] })]);
  });

  it('refuses a form from another site, an empty or overlong message and an oversized form, posting nothing', async () => {
    const crossSite = await postForm('/messages', { author: DEMO.users.bob, channel: DEMO.channels.general, content: 'forged' }, { origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    const empty = await postForm('/messages', { author: DEMO.users.bob, channel: DEMO.channels.general, content: '  ' });
    expect(decodeURIComponent(empty.headers.get('location') ?? '')).toBe('/?notice=A message has 1–2000 characters.');
    const overlong = await postForm('/messages', { author: DEMO.users.bob, channel: DEMO.channels.general, content: 'x'.repeat(2001) });
    expect(decodeURIComponent(overlong.headers.get('location') ?? '')).toBe('/?notice=A message has 1–2000 characters.');
    const oversized = await postForm('/messages', { author: DEMO.users.bob, channel: DEMO.channels.general, content: 'x'.repeat(20_000) });
    expect(oversized.status).toBe(413);
    expect((await state()).guilds[0].channels[0].messages).toEqual([]);
  });

  it('shows what people wrote as text, never as markup, and mentions by name', async () => {
    standin.discord.postMessage({ authorId: DEMO.users.bob, channelId: DEMO.channels.general, content: `<script>alert(1)</script> hi <@${DEMO.users.alice}> in <#${DEMO.channels.orders}>` });
    const page = await (await fetch(`${base()}/`)).text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&#60;script&#62;alert(1)&#60;/script&#62; hi @alice in #orders');
    expect(page).toContain('NOT DISCORD');
  });

  it('offers the slash commands the app registered, and says when there is no interactions endpoint to send them to', async () => {
    const page = async () => (await fetch(`${base()}/`)).text();
    expect(await page()).toContain('None registered yet');
    const app = await (await fetch(`${standin.apiUrl}/v10/applications/@me`, { headers: { authorization: 'Bot standin-unit-token' } })).json() as { id: string };
    const registered = await fetch(`${standin.apiUrl}/v10/applications/${app.id}/guilds/${DEMO.guildId}/commands`, {
      method: 'PUT',
      headers: { authorization: 'Bot standin-unit-token', 'content-type': 'application/json' },
      body: JSON.stringify([{ type: 1, name: 'add-campaign', description: 'Create a campaign', options: [{ type: 3, name: 'name', description: 'Its name', required: true }] }]),
    });
    expect(registered.status).toBe(200);
    expect(await page()).toContain('Run /add-campaign');

    const run = await postForm('/commands', { command: 'add-campaign', user: DEMO.users.alice, channel: DEMO.channels.general, 'option.name': 'Dragon Hunt' });
    expect(decodeURIComponent(run.headers.get('location') ?? '')).toContain('No interactions endpoint');
  });
});
