import { ChannelType, MessageFlags, PermissionFlagsBits } from 'discord.js';
import type { FakeDiscord } from '../fake-discord';
import type { FakeChannel, FakeMessage } from '../world/shapes';
import { discordMarkdownToHtml, MentionNames } from './discord-markdown';

/** What the stand-in shows of its state: plain data, served as JSON and rendered as the page. */
export interface StandinView {
  guilds: GuildView[];
  dms: { channelId: string; bot: string; user: string; messages: MessageView[] }[];
  /** Registered slash commands (`npm run discord:commands`), by scope: what a person can run. */
  commands: CommandView[];
}

export interface GuildView {
  id: string;
  name: string;
  roles: { id: string; name: string; position: number }[];
  members: { id: string; name: string; bot: boolean; roles: string[] }[];
  /** Top-level channels and categories with their children, by position. */
  channels: ChannelView[];
}

export interface ChannelView {
  id: string;
  name: string;
  kind: 'text' | 'voice' | 'category' | 'announcement' | 'forum' | 'thread' | 'other';
  topic: string | null;
  /** Roles and members whose permission overwrites allow (`view`) or deny seeing it. */
  access: { name: string; view: boolean }[];
  messages: MessageView[];
  threads: (ChannelView & { private: boolean; members: string[] })[];
  invites: { code: string; maxAgeSeconds: number; maxUses: number }[];
  children: ChannelView[];
}

export interface MessageView {
  id: string;
  author: string;
  bot: boolean;
  content: string;
  /** The content as Discord shows it: mentions of users, roles and channels by name. */
  text: string;
  /** The content as Discord renders it, as HTML-escaped HTML: markdown (bold, code …) and mentions by name. */
  html: string;
  /** How often it was edited (a campaign's progress message is edited at every step). */
  edits: number;
  /** "Thinking…": a deferred interaction answer not yet edited. */
  loading: boolean;
  buttons: string[];
}

export interface CommandView {
  scope: string;
  name: string;
  description: string;
  options: { name: string; description: string; required: boolean; choices: { name: string; value: string }[] }[];
}

const KINDS: Partial<Record<ChannelType, ChannelView['kind']>> = {
  [ChannelType.GuildText]: 'text',
  [ChannelType.GuildVoice]: 'voice',
  [ChannelType.GuildCategory]: 'category',
  [ChannelType.GuildAnnouncement]: 'announcement',
  [ChannelType.GuildForum]: 'forum',
  [ChannelType.PublicThread]: 'thread',
  [ChannelType.PrivateThread]: 'thread',
  [ChannelType.AnnouncementThread]: 'thread',
};

export function standinView(discord: FakeDiscord): StandinView {
  const name = (userId: string) => discord.person(userId).username;
  const roleNames = new Map(discord.guildList().flatMap((g) => g.roles.map((r) => [r.id, r.name] as const)));
  const names: MentionNames = {
    user: name,
    role: (id) => roleNames.get(id) ?? 'unknown-role',
    channel: (id) => discord.channel(id)?.name ?? 'unknown-channel',
  };
  const display = (content: string) =>
    content.replace(/<(@&|@!?|#)(\d+)>/g, (mention, kind: string, id: string) => {
      if (kind === '#') return `#${names.channel(id)}`;
      if (kind === '@&') return `@${names.role(id)}`;
      return `@${names.user(id)}`;
    });
  const message = (m: FakeMessage): MessageView => ({
    id: m.id,
    author: name(m.author.id),
    bot: m.author.bot === true,
    content: m.content,
    text: display(m.content),
    html: discordMarkdownToHtml(m.content, names),
    edits: discord.editsOf(m.id).length,
    loading: ((m.flags ?? 0) & MessageFlags.Loading) !== 0,
    buttons: buttonLabels(m.components ?? []),
  });
  const guilds = discord.guildList().map((guild): GuildView => {
    const roleName = new Map(guild.roles.map((r) => [r.id, r.name]));
    const channels = discord.guildChannels(guild.id).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    const threads = discord.threads.filter((t) => t.guild_id === guild.id);
    const channelView = (c: FakeChannel): ChannelView => ({
      id: c.id,
      name: c.name ?? c.id,
      kind: KINDS[c.type] ?? 'other',
      topic: c.topic ?? null,
      access: (c.permission_overwrites ?? [])
        .filter((o) => ((BigInt(o.allow) | BigInt(o.deny)) & PermissionFlagsBits.ViewChannel) !== 0n)
        .map((o) => ({
          name: o.id === guild.id ? '@everyone' : (roleName.get(o.id) ?? name(o.id)),
          view: (BigInt(o.allow) & PermissionFlagsBits.ViewChannel) !== 0n,
        })),
      messages: discord.messages(c.id).map(message),
      threads: threads
        .filter((t) => t.parent_id === c.id)
        .map((t) => ({
          ...channelView(t),
          private: t.type === ChannelType.PrivateThread,
          members: discord.threadMembers(t.id).map(name),
        })),
      invites: discord.invites
        .filter((i) => i.channelId === c.id)
        .map((i) => ({ code: i.code, maxAgeSeconds: i.max_age, maxUses: i.max_uses })),
      children: channels.filter((child) => child.parent_id === c.id).map(channelView),
    });
    return {
      id: guild.id,
      name: guild.name,
      roles: [...guild.roles]
        .sort((a, b) => b.position - a.position)
        .map((r) => ({ id: r.id, name: r.name, position: r.position })),
      members: discord.guildMembers(guild.id).map((m) => ({
        id: m.userId,
        name: name(m.userId),
        bot: discord.botByUserId(m.userId) !== undefined,
        roles: m.roles.map((r) => roleName.get(r) ?? r),
      })),
      channels: channels.filter((c) => !c.parent_id).map(channelView),
    };
  });
  const dms = discord.dmChannelList().map((dm) => ({
    channelId: dm.channelId,
    bot: name(dm.botUserId),
    user: name(dm.userId),
    messages: discord.messages(dm.channelId).map(message),
  }));
  return { guilds, dms, commands: commandViews(discord) };
}

/** A command as the app registered it (Discord's application command object, the parts shown). */
interface RegisteredCommand {
  type?: number;
  name: string;
  description?: string;
  options?: {
    type: number;
    name: string;
    description?: string;
    required?: boolean;
    choices?: { name: string; value: string | number }[];
  }[];
}

/** Each command once: a guild's registration before a global one of the same name, as Discord shows them. */
function commandViews(discord: FakeDiscord): CommandView[] {
  const scopes = [...discord.commands].sort(([a], [b]) => Number(a === 'global') - Number(b === 'global'));
  const all = scopes.flatMap(([scope, commands]) =>
    (commands as unknown as RegisteredCommand[])
      .filter((c) => c.type === undefined || c.type === 1) // slash commands
      .map((c) => ({
        scope,
        name: c.name,
        description: c.description ?? '',
        options: (c.options ?? [])
          .filter((o) => o.type === 3) // string options: the only kind the page offers
          .map((o) => ({
            name: o.name,
            description: o.description ?? '',
            required: o.required === true,
            choices: (o.choices ?? []).map((choice) => ({ name: choice.name, value: String(choice.value) })),
          })),
      })),
  );
  return all.filter((command, index) => all.findIndex((c) => c.name === command.name) === index);
}

function buttonLabels(components: unknown[]): string[] {
  return components.flatMap((row) =>
    ((row as { components?: { label?: string }[] }).components ?? []).map((b) => b.label ?? '?'),
  );
}
