import { ChannelType } from 'discord.js';
import type { APIMessage, Message } from 'discord.js';

/** A Discord message as the relay needs it, whether it came through the gateway or a backfill. */
export interface IncomingMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  isDm: boolean;
  authorId: string;
  authorName: string;
  authorIsBot: boolean;
  content: string;
  timestamp: Date;
}

export function fromGateway(message: Message): IncomingMessage {
  return {
    id: message.id,
    channelId: message.channelId,
    guildId: message.guildId,
    isDm: message.channel.type === ChannelType.DM,
    authorId: message.author.id,
    authorName: message.author.username,
    authorIsBot: message.author.bot,
    content: message.content,
    timestamp: message.createdAt,
  };
}

/** A message fetched through REST; the channel tells whether it is a DM (REST messages carry no guild id). */
export function fromRest(message: APIMessage, channel: { guildId: string | null; isDm: boolean }): IncomingMessage {
  return {
    id: message.id,
    channelId: message.channel_id,
    guildId: channel.guildId,
    isDm: channel.isDm,
    authorId: message.author.id,
    authorName: message.author.username,
    authorIsBot: message.author.bot === true,
    content: message.content,
    timestamp: new Date(message.timestamp),
  };
}
