import { MessageFlags } from 'discord.js';
import { invalidFormBody, unknownMessage } from '../reply';
import type { FakeChannel, FakeMessage, MessageEdit } from './shapes';
import { snowflake, timestampOf } from './snowflake';

/** What a new message is made of; the store gives it its id, channel and time. */
export type NewMessage = Pick<FakeMessage, 'content' | 'author' | 'nonce' | 'message_reference'> &
  Partial<Pick<FakeMessage, 'type' | 'flags' | 'components' | 'allowed_mentions'>>;

/** The messages of every channel, in the order they were posted, and every edit made to them. */
export class MessageStore {
  readonly edits: MessageEdit[] = [];
  /** Told of every message recorded (the gateway dispatches it to the bots connected). */
  onCreated?: (message: FakeMessage, channel: FakeChannel) => void;
  private readonly byChannel = new Map<string, FakeMessage[]>();

  reset(): void {
    this.edits.length = 0;
    this.byChannel.clear();
  }

  list(channelId: string): FakeMessage[] {
    return this.byChannel.get(channelId) ?? [];
  }

  find(channelId: string, messageId: string): FakeMessage | undefined {
    return this.list(channelId).find((m) => m.id === messageId);
  }

  /** Edits of one message, in order. */
  editsOf(messageId: string): MessageEdit[] {
    return this.edits.filter((e) => e.messageId === messageId);
  }

  /** A deleted channel's history goes with it. */
  forget(channelId: string): void {
    this.byChannel.delete(channelId);
  }

  /** Stores a new message in its channel and tells onCreated. */
  record(channel: FakeChannel, fields: NewMessage): FakeMessage {
    const id = snowflake();
    const message: FakeMessage = {
      id,
      channel_id: channel.id,
      ...(channel.guild_id !== undefined ? { guild_id: channel.guild_id } : {}),
      timestamp: timestampOf(id),
      type: fields.message_reference ? 19 : 0,
      ...fields,
    };
    const messages = this.byChannel.get(channel.id) ?? [];
    this.byChannel.set(channel.id, messages);
    messages.push(message);
    this.onCreated?.(message, channel);
    return message;
  }

  /** Applies an edit (content, components, allowed mentions) and records it. */
  edit(channelId: string, messageId: string, body: Record<string, unknown>, via: MessageEdit['via']): FakeMessage {
    const message = this.find(channelId, messageId);
    if (!message) throw unknownMessage();
    if (body.content !== undefined && (typeof body.content !== 'string' || body.content.length > 2000)) {
      throw invalidFormBody({
        name: 'content',
        code: 'BASE_TYPE_MAX_LENGTH',
        message: 'Must be 2000 or fewer in length.',
      });
    }
    if (typeof body.content === 'string') message.content = body.content;
    if (Array.isArray(body.components)) message.components = body.components;
    if (body.allowed_mentions !== undefined) message.allowed_mentions = body.allowed_mentions;
    message.flags = (message.flags ?? 0) & ~MessageFlags.Loading;
    message.edited_timestamp = new Date().toISOString();
    this.edits.push({
      channelId,
      messageId,
      content: message.content,
      components: message.components ?? [],
      via,
      at: Date.now(),
    });
    return message;
  }
}

/** A message as Discord's REST API and MESSAGE_CREATE show it. */
export function messageJson(message: FakeMessage) {
  return {
    ...message,
    edited_timestamp: message.edited_timestamp ?? null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    flags: message.flags ?? 0,
    components: message.components ?? [],
  };
}
