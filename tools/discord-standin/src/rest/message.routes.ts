import { PermissionFlagsBits } from 'discord.js';
import { discordError, invalidFormBody, Reply, unknownMessage } from '../reply';
import type { BotAccess } from '../world/bot-access';
import { messageJson } from '../world/message-store';
import { FakeBot, FakeMessage, isThread } from '../world/shapes';
import type { FakeWorld } from '../world/world';
import type { Route } from './route';

/** `/channels/:id/messages`: reading a channel's history, posting, and the bot editing its own messages. */
export class MessageRoutes {
  readonly routes: Route[] = [
    [
      'GET',
      /^\/channels\/(\d+)\/messages$/,
      ([channelId], _, { bot, query }) => this.listMessages(bot, channelId, query),
    ],
    ['POST', /^\/channels\/(\d+)\/messages$/, ([channelId], body, { bot }) => this.createMessage(bot, channelId, body)],
    [
      'PATCH',
      /^\/channels\/(\d+)\/messages\/(\d+)$/,
      ([channelId, messageId], body, { bot }) => this.botEditMessage(bot, channelId, messageId, body),
    ],
  ];

  constructor(
    private readonly world: FakeWorld,
    private readonly access: BotAccess,
  ) {}

  /** Discord's answer: up to `limit` (50 unless told, at most 100) messages, newest first; with `after`, the oldest ones after it. */
  private listMessages(bot: FakeBot, channelId: string, query: URLSearchParams): Reply {
    const channel = this.access.visibleChannel(bot, channelId);
    if (channel.guild_id !== undefined)
      this.access.require(bot, channel.guild_id, PermissionFlagsBits.ReadMessageHistory, channel);
    const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50)));
    const after = query.get('after');
    const all = this.world.messages(channelId);
    const page = after !== null ? all.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limit) : all.slice(-limit);
    return new Reply(200, page.map((m) => messageJson(m)).reverse());
  }

  private createMessage(bot: FakeBot, channelId: string, body: Record<string, unknown>): Reply {
    const channel = this.access.visibleChannel(bot, channelId);
    if (channel.guild_id !== undefined) {
      this.access.require(
        bot,
        channel.guild_id,
        isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages,
        channel,
      );
    }
    if (typeof body.content !== 'string' || body.content.length === 0 || body.content.length > 2000) {
      throw new Reply(400, { message: 'Cannot send an empty message', code: 50006 });
    }
    const nonce = typeof body.nonce === 'string' ? body.nonce : undefined;
    const earlier =
      body.enforce_nonce === true && nonce !== undefined
        ? this.world.messages(channelId).find((m) => m.nonce === nonce)
        : undefined;
    if (earlier) return new Reply(200, messageJson(earlier));
    const reference = body.message_reference as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
    let replyTo: FakeMessage['message_reference'];
    if (reference?.message_id !== undefined) {
      if (this.world.messages(channelId).some((m) => m.id === reference.message_id))
        replyTo = { message_id: reference.message_id, channel_id: channelId };
      else if (reference.fail_if_not_exists !== false) {
        throw invalidFormBody({
          name: 'message_reference',
          code: 'REPLIES_UNKNOWN_MESSAGE',
          message: 'Unknown message',
        });
      }
    }
    const components = Array.isArray(body.components) ? body.components : [];
    const message = this.world.messageStore.record(channel, {
      content: body.content,
      author: this.world.person(bot.userId, true),
      components,
      allowed_mentions: body.allowed_mentions,
      ...(nonce !== undefined ? { nonce } : {}),
      ...(replyTo ? { message_reference: replyTo } : {}),
    });
    return new Reply(200, messageJson(message));
  }

  /** PATCH /channels/:id/messages/:id: the bot edits its own message, if it can see the channel. */
  private botEditMessage(bot: FakeBot, channelId: string, messageId: string, body: Record<string, unknown>): Reply {
    this.access.visibleChannel(bot, channelId);
    const message = this.world.message(channelId, messageId);
    if (!message) throw unknownMessage();
    if (message.author.id !== bot.userId)
      throw discordError(403, 50005, 'Cannot edit a message authored by another user');
    return new Reply(200, this.world.messageStore.edit(channelId, messageId, body, 'bot'));
  }
}
