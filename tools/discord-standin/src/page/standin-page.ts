import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeDiscord, PageHandler } from '../fake-discord';
import { escapeHtml as escape } from './discord-markdown';
import { ChannelView, CommandView, GuildView, MessageView, standinView, StandinView } from './standin-view';

/** Discord's limit on a message's length. */
const MAX_CONTENT = 2000;
const MAX_FORM_BYTES = 16 * 1024;
const REFRESH_MS = 1500;

/**
 * The stand-in's web page: what the bot did (read-only, refreshed as it changes) and two ways for a
 * person to act as Discord's users would: post a message into a channel or a DM with the bot, and
 * run one of the application's registered slash commands (signed and sent to the app's
 * interactions endpoint, as Discord does).
 *
 * GET /            the page
 * GET /view        the page's live part (HTML), what the page polls
 * GET /state.json  the same as JSON
 * POST /messages   author, channel (a channel id, or `dm` for a DM with the bot), content
 * POST /commands   command, user, channel, option.<name>…
 *
 * It has no login: it is local. Requests must name it by a loopback host (no DNS rebinding),
 * and forms must come from the page itself (no cross-site posts).
 */
export function standinPage(): PageHandler {
  return async (discord, req, res) => {
    if (!loopbackHost(req)) return json(res, 421, { error: 'the stand-in answers to 127.0.0.1 or localhost only' });
    const url = new URL(req.url ?? '/', 'http://standin');
    if (req.method === 'GET' && url.pathname === '/')
      return html(res, 200, page(discord, standinView(discord), url.searchParams.get('notice')));
    if (req.method === 'GET' && url.pathname === '/view') return html(res, 200, live(standinView(discord)));
    if (req.method === 'GET' && url.pathname === '/state.json') return json(res, 200, standinView(discord));
    if (req.method === 'POST' && (url.pathname === '/messages' || url.pathname === '/commands')) {
      // A form posted from another site must not act here (the page has no login: it is local).
      if (!sameOrigin(req)) return json(res, 403, { error: 'cross-site request refused' });
      const form = await readForm(req);
      if (form === undefined) return json(res, 413, { error: `form larger than ${MAX_FORM_BYTES} bytes` });
      const notice = url.pathname === '/messages' ? postMessage(discord, form) : await runCommand(discord, form);
      res.writeHead(303, { location: `/?notice=${encodeURIComponent(notice)}` }).end();
      return;
    }
    json(res, 404, {
      error:
        'not found: the stand-in serves /, /view, /state.json, POST /messages, POST /commands and Discord’s API under /api',
    });
  };
}

function postMessage(discord: FakeDiscord, form: URLSearchParams): string {
  const author = form.get('author') ?? '';
  const channel = form.get('channel') ?? '';
  const content = (form.get('content') ?? '').trim();
  if (!/^\d{17,20}$/.test(author) || discord.botByUserId(author)) return 'Choose who posts (a person, not a bot).';
  if (content.length === 0 || content.length > MAX_CONTENT) return `A message has 1–${MAX_CONTENT} characters.`;
  if (channel === 'dm') {
    discord.postMessage({ authorId: author, dmTo: discord.botUserId, content });
    return `${discord.person(author).username} sent the bot a DM.`;
  }
  if (
    !discord.channel(channel) ||
    !standinView(discord).guilds.some((g) => postable(g.channels).some((c) => c.id === channel))
  )
    return 'Choose a text channel.';
  discord.postMessage({ authorId: author, channelId: channel, content });
  return `${discord.person(author).username} posted in #${discord.channel(channel)?.name ?? channel}.`;
}

async function runCommand(discord: FakeDiscord, form: URLSearchParams): Promise<string> {
  if (!discord.interactionsUrl)
    return 'No interactions endpoint: start the stand-in with DISCORD_STANDIN_INTERACTIONS_URL.';
  const user = form.get('user') ?? '';
  const channelId = form.get('channel') ?? '';
  const name = form.get('command') ?? '';
  const channel = discord.channel(channelId);
  if (!standinView(discord).commands.some((c) => c.name === name)) return `/${name} is not a registered command.`;
  if (!channel?.guild_id || !/^\d{17,20}$/.test(user) || discord.botByUserId(user))
    return 'Choose who runs the command and in which channel.';
  const options: Record<string, string> = {};
  for (const [key, value] of form)
    if (key.startsWith('option.') && value.trim() !== '') options[key.slice('option.'.length)] = value.trim();
  const interaction = discord.commandInteraction({ guildId: channel.guild_id, channelId, userId: user, name, options });
  try {
    const delivery = await discord.sendInteraction(interaction);
    return delivery.status === 200
      ? `/${name} sent by ${discord.person(user).username}; the app answered.`
      : `/${name}: the app answered HTTP ${delivery.status} (Discord would show "This interaction failed").`;
  } catch (error) {
    return `/${name}: the interactions endpoint could not be reached (${error instanceof Error ? error.message : String(error)}).`;
  }
}

// --- rendering -----------------------------------------------------------------------------------

/**
 * Text as Discord's own stack would draw it, and emoji in colour wherever the machine has an emoji
 * font (Noto Color Emoji on Linux: Debian's fonts-noto-color-emoji; Apple's and Segoe's elsewhere).
 */
const FONT = `"gg sans","Noto Sans","Helvetica Neue",Helvetica,Arial,system-ui,sans-serif,"Apple Color Emoji","Segoe UI Emoji","Segoe UI Symbol","Noto Color Emoji"`;
const MONO = `Consolas,"Andale Mono WT","Andale Mono","Lucida Console","DejaVu Sans Mono",monospace,"Noto Color Emoji"`;

function page(discord: FakeDiscord, view: StandinView, notice: string | null): string {
  const people = view.guilds.flatMap((g) => g.members.filter((m) => !m.bot).map((m) => ({ id: m.id, name: m.name })));
  for (const dm of discord.dmChannelList())
    if (!people.some((p) => p.id === dm.userId))
      people.push({ id: dm.userId, name: discord.person(dm.userId).username });
  const textChannels = view.guilds.flatMap((g) =>
    postable(g.channels).map((c) => ({ id: c.id, label: `#${c.name} (${g.name})` })),
  );
  const personOptions = people.map((p) => `<option value="${p.id}">${escape(p.name)}</option>`).join('');
  const channelOptions = textChannels.map((c) => `<option value="${c.id}">${escape(c.label)}</option>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Discord stand-in (not Discord)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 ${FONT};margin:0;background:#f4f4f6;color:#222}
header{background:#5b2c2c;color:#fff;padding:.6em 1em}header b{background:#fff;color:#5b2c2c;padding:0 .4em;border-radius:3px}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(16em,1fr);gap:1em;padding:1em}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5em .8em;margin:.5em 0}
section section{background:#fafafa}h2,h3,h4{margin:.3em 0}.muted{color:#777}.bot{color:#3b55c9}
ul.messages{list-style:none;padding-left:0;margin:.3em 0}ul.messages li{padding:.15em 0;white-space:pre-wrap;word-break:break-word}
form{display:grid;gap:.4em}label{display:grid;gap:.1em}.notice{background:#fff7d6;border:1px solid #e6d27a;padding:.4em .8em;border-radius:4px}
.tag{font-size:12px;background:#eee;border-radius:3px;padding:0 .3em;margin-left:.3em}
ul.members{list-style:none;padding-left:0;margin:.3em 0;display:flex;flex-wrap:wrap;gap:.2em 1.2em}
.role{font-size:12px;border:1px solid #c9c9d3;border-radius:9px;padding:0 .45em;margin-left:.3em;white-space:nowrap}
code,pre{font-family:${MONO};font-size:.9em;background:#f0f1f3;border:1px solid #e1e2e6;border-radius:3px}
code.md-code{padding:0 .2em}pre.md-codeblock{margin:.2em 0;padding:.4em .6em;white-space:pre-wrap}pre.md-codeblock code{background:none;border:0}
.md-mention{background:#e6e8fd;color:#4752c4;border-radius:3px;padding:0 .15em;font-weight:500}
.md-spoiler{background:#202225;color:transparent;border-radius:3px}.md-spoiler:hover{color:#fff}
</style></head>
<body>
<header><b>NOT DISCORD</b> Local Discord stand-in for development: what the bot did, kept in memory. Nothing here reaches Discord.</header>
<main>
<div id="view">${live(view)}</div>
<aside>
${notice ? `<p class="notice" role="status">${escape(notice)}</p>` : ''}
<section><h3>Post as a user</h3>
<form method="post" action="/messages">
<label>Author <select name="author">${personOptions}</select></label>
<label>Where <select name="channel"><option value="dm">DM to the bot</option>${channelOptions}</select></label>
<label>Message <textarea name="content" rows="3" maxlength="${MAX_CONTENT}" required></textarea></label>
<button>Send</button></form></section>
${view.commands.map((c) => commandForm(c, personOptions, channelOptions)).join('\n')}
${view.commands.length === 0 ? '<section><h3>Slash commands</h3><p class="muted">None registered yet (<code>npm run discord:commands</code> registers them).</p></section>' : ''}
</aside>
</main>
<script>
// Refreshes what the bot did without touching the forms.
let last = '';
setInterval(async () => {
  try {
    const text = await (await fetch('/view')).text();
    if (text !== last) { last = text; document.getElementById('view').innerHTML = text; }
  } catch { /* the stand-in stopped; keep what is shown */ }
}, ${REFRESH_MS});
</script>
</body></html>`;
}

function commandForm(command: CommandView, personOptions: string, channelOptions: string): string {
  const options = command.options
    .map((o) => {
      const field =
        o.choices.length > 0
          ? `<select name="option.${escape(o.name)}">${o.required ? '' : '<option value="">(default)</option>'}${o.choices.map((c) => `<option value="${escape(c.value)}">${escape(c.name)}</option>`).join('')}</select>`
          : `<input name="option.${escape(o.name)}" ${o.required ? 'required' : ''} maxlength="100">`;
      return `<label>${escape(o.name)} <span class="muted">${escape(o.description)}</span> ${field}</label>`;
    })
    .join('');
  return `<section><h3>/${escape(command.name)}</h3><p class="muted">${escape(command.description)}</p>
<form method="post" action="/commands"><input type="hidden" name="command" value="${escape(command.name)}">
<label>Run as <select name="user">${personOptions}</select></label><label>In <select name="channel">${channelOptions}</select></label>
${options}<button>Run /${escape(command.name)}</button></form></section>`;
}

/** The part of the page that changes: guilds with their channels, threads, messages; DMs. */
function live(view: StandinView): string {
  const guilds = view.guilds.map(guild).join('');
  const dms = view.dms
    .map(
      (dm) =>
        `<section class="dm" data-channel-id="${dm.channelId}"><h4>DM: ${escape(dm.user)} ↔ ${escape(dm.bot)}</h4>${messages(dm.messages)}</section>`,
    )
    .join('');
  return `${guilds}<section><h2>Direct messages</h2>${dms || '<p class="muted">None yet.</p>'}</section>`;
}

function guild(g: GuildView): string {
  const roles = g.roles.map((r) => `<span class="tag">${escape(r.name)}</span>`).join('');
  const members = g.members
    .map(
      (m) =>
        `<li class="member${m.bot ? ' bot' : ''}" data-user-id="${m.id}">${escape(m.name)}${m.bot ? '<span class="tag">BOT</span>' : ''}${m.roles.map((r) => `<span class="role">${escape(r)}</span>`).join('')}</li>`,
    )
    .join('');
  return `<section class="guild" data-guild-id="${g.id}"><h2>${escape(g.name)} <span class="muted">${g.id}</span></h2>
<p>Roles: ${roles}</p><h4>Members (${g.members.length})</h4><ul class="members">${members}</ul>
${g.channels.map(channel).join('')}</section>`;
}

function channel(c: ChannelView): string {
  const access = c.access
    .map((a) => `<span class="tag">${a.view ? 'sees' : 'hidden from'} ${escape(a.name)}</span>`)
    .join('');
  const invites = c.invites
    .map(
      (i) =>
        `<span class="tag">invite ${escape(i.code)} · ${i.maxUses || '∞'} uses · ${i.maxAgeSeconds ? `${i.maxAgeSeconds} s` : 'no expiry'}</span>`,
    )
    .join('');
  const threads = c.threads
    .map(
      (
        t,
      ) => `<section class="thread" data-thread-id="${t.id}"><h4>🧵 ${escape(t.name)}${t.private ? '<span class="tag">private</span>' : ''}</h4>
<p class="muted">Members: ${t.members.map(escape).join(', ') || 'none'}</p>${messages(t.messages)}</section>`,
    )
    .join('');
  const heading =
    c.kind === 'category'
      ? `<h3>▾ ${escape(c.name.toUpperCase())}</h3>`
      : `<h4>${c.kind === 'voice' ? '🔊' : '#'} ${escape(c.name)} <span class="tag">${c.kind}</span></h4>`;
  return `<section class="channel" data-channel-id="${c.id}">${heading}${access}${invites}${c.topic ? `<p class="muted">${escape(c.topic)}</p>` : ''}
${c.kind === 'category' ? '' : messages(c.messages)}${threads}${c.children.map(channel).join('')}</section>`;
}

function messages(list: MessageView[]): string {
  if (list.length === 0) return '';
  const item = (m: MessageView) =>
    `<li data-message-id="${m.id}"><b class="${m.bot ? 'bot' : ''}">${escape(m.author)}</b>: <span class="content">${m.loading ? '<i class="muted">is thinking…</i>' : m.html}</span>${m.edits > 0 ? `<span class="tag">edited ×${m.edits}</span>` : ''}${m.buttons.map((b) => `<span class="tag">[${escape(b)}]</span>`).join('')}</li>`;
  return `<ul class="messages">${list.map(item).join('')}</ul>`;
}

/** The channels a person can post in: text and announcement channels, at any depth. */
function postable(channels: ChannelView[]): ChannelView[] {
  return channels.flatMap((c) => [
    ...(c.kind === 'text' || c.kind === 'announcement' ? [c] : []),
    ...postable(c.children),
  ]);
}

// --- HTTP ----------------------------------------------------------------------------------------

/** Named as 127.0.0.1 or localhost: a page on another name that resolves here (DNS rebinding) is refused. */
function loopbackHost(req: IncomingMessage): boolean {
  return /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(req.headers.host ?? '');
}

function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host}`;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_FORM_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > MAX_FORM_BYTES ? undefined : new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
    );
    req.on('error', reject);
  });
}

function html(res: ServerResponse, status: number, body: string): void {
  res
    .writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
    })
    .end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}
