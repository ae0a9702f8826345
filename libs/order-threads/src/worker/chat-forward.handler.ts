import { Injectable } from '@nestjs/common';
import { BackendResponseType, ForwardChatMessageMessage } from '@discord-backbone/contracts';
import { DiscordRestClient } from '@discord-backbone/discord';
import { BackendResponsePublisher } from './backend-response.publisher';
import { DiscordEffectLedger } from './discord-effect.ledger';
import { discordNonce } from './discord-nonce';
import { ThreadLookup } from './thread.lookup';

/** forward_chat_message: posts a marketplace chat message into the thread on its author's behalf, once. */
@Injectable()
export class ChatForwardHandler {
  constructor(
    private readonly threads: ThreadLookup,
    private readonly discord: DiscordRestClient,
    private readonly ledger: DiscordEffectLedger,
    private readonly responses: BackendResponsePublisher,
  ) {}

  async handle(message: ForwardChatMessageMessage): Promise<void> {
    const { payload, metadata } = message;
    const threadId = await this.threads.threadOf(metadata.entity_type, metadata.order_id);
    const key = `chat:${payload.chat_message_id}`;
    const { messageId } = await this.ledger.once(key, async () => {
      // Mentions in forwarded text ping nobody (sendMessage allows none by default).
      const posted = await this.discord.sendMessage(threadId, {
        content: `**${payload.author_name}** (marketplace): ${payload.content}`,
        nonce: discordNonce(key),
      });
      return { messageId: posted.id };
    });
    await this.responses.send(
      message,
      BackendResponseType.CHAT_MESSAGE_FORWARDED,
      { success: true, thread_id: threadId, chat_message_id: payload.chat_message_id },
      messageId,
    );
  }
}
