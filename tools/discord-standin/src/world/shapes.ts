// What the fake Discord holds, shaped as Discord's API shows it.
import type { IncomingHttpHeaders } from 'node:http';
import { ChannelType } from 'discord.js';
import type { APIInteractionResponse, APIOverwrite } from 'discord.js';

export interface RecordedRequest {
  method: string;
  /** Without the `/api/v10` prefix, e.g. `/channels/123/threads`. */
  path: string;
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** Which requests a fault, hang or lost answer applies to. */
export interface RequestMatch {
  method?: string;
  path: RegExp;
  /** Only requests whose JSON body (as sent) matches. */
  body?: RegExp;
}

export interface Fault extends RequestMatch {
  /** How many matching requests get this answer; 1 unless told. */
  times?: number;
  status: number;
  code?: number;
  message?: string;
  /** For a 429; 1 unless told. */
  retryAfterSeconds?: number;
}

export interface FakeRole {
  id: string;
  name: string;
  position: number;
  permissions: string;
  color: number;
  hoist: boolean;
  managed: boolean;
  mentionable: boolean;
  flags: number;
}

export interface FakeGuild {
  id: string;
  name: string;
  owner_id: string;
  roles: FakeRole[];
  /** `COMMUNITY` allows announcement channels. */
  features: string[];
}

export interface FakeMember {
  roles: string[];
  joined_at: string;
}

export interface FakeChannel {
  id: string;
  type: ChannelType;
  name?: string;
  guild_id?: string;
  /** A thread's channel, or a guild channel's category (null: none). */
  parent_id?: string | null;
  owner_id?: string;
  position?: number;
  topic?: string | null;
  permission_overwrites?: APIOverwrite[];
  thread_metadata?: {
    archived: boolean;
    auto_archive_duration: number;
    archive_timestamp: string;
    locked: boolean;
    invitable?: boolean;
  };
  recipients?: FakeUser[];
}

/** A bot account: its token authenticates REST calls and gateway sessions. */
export interface FakeBot {
  token: string;
  userId: string;
}

export interface FakeUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  content: string;
  nonce?: string;
  author: FakeUser;
  timestamp: string;
  type: number;
  message_reference?: { message_id: string; channel_id: string };
  edited_timestamp?: string | null;
  flags?: number;
  components?: unknown[];
  /** The mentions the last post or edit allowed (`parse: []` pings nobody). */
  allowed_mentions?: unknown;
}

/** Every change to a message's content after it was posted, and who made it. */
export interface MessageEdit {
  channelId: string;
  messageId: string;
  content: string;
  components: unknown[];
  /** `callback`: an interaction's answer (type 7); `webhook`: PATCH with the interaction token; `bot`: PATCH with the bot token. */
  via: 'callback' | 'webhook' | 'bot';
  at: number;
}

/** An interaction the fake sent, with what it is known by. */
export interface FakeInteraction {
  id: string;
  token: string;
  applicationId: string;
  guildId: string;
  channelId: string;
  /** The payload as sent (signed) to the app. */
  payload: Record<string, unknown>;
}

/** What the app answered to an interaction. */
export interface InteractionDelivery {
  interaction: FakeInteraction;
  status: number;
  body: APIInteractionResponse | Record<string, unknown> | undefined;
  /** How long the app took to answer. */
  ms: number;
}

export interface FakeInvite {
  code: string;
  channelId: string;
  max_age: number;
  max_uses: number;
  unique: boolean;
}

export const user = (id: string, bot = false): FakeUser => ({
  id,
  username: `user${id.slice(-6)}`,
  discriminator: '0',
  global_name: null,
  avatar: null,
  ...(bot ? { bot } : {}),
});

export function isThread(channel: FakeChannel): boolean {
  return (
    channel.type === ChannelType.PrivateThread ||
    channel.type === ChannelType.PublicThread ||
    channel.type === ChannelType.AnnouncementThread
  );
}

/** A role as Discord shows it: no colour, not hoisted, not managed. */
export const role = (
  id: string,
  name: string,
  position: number,
  permissions: bigint,
  mentionable = false,
): FakeRole => ({
  id,
  name,
  position,
  permissions: permissions.toString(),
  color: 0,
  hoist: false,
  managed: false,
  mentionable,
  flags: 0,
});

/** A guild member as Discord shows it (REST and interactions alike): the user, roles, join time, nothing else set. */
export const memberView = (person: FakeUser, member: FakeMember) => ({
  user: person,
  roles: member.roles,
  joined_at: member.joined_at,
  nick: null,
  avatar: null,
  deaf: false,
  mute: false,
  flags: 0,
});
