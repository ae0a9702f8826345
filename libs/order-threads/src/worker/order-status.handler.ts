import { Injectable } from '@nestjs/common';
import { BackendResponseType, UpdateOrderStatusMessage } from '@discord-backbone/contracts';
import { DiscordRestClient } from '@discord-backbone/discord';
import { BackendResponsePublisher } from './backend-response.publisher';
import { DiscordEffectLedger } from './discord-effect.ledger';
import { discordNonce } from './discord-nonce';
import { ThreadLookup } from './thread.lookup';

/** update_order_status: posts the status change into the order's thread, once per request. */
@Injectable()
export class OrderStatusHandler {
  constructor(
    private readonly threads: ThreadLookup,
    private readonly discord: DiscordRestClient,
    private readonly ledger: DiscordEffectLedger,
    private readonly responses: BackendResponsePublisher,
  ) {}

  async handle(message: UpdateOrderStatusMessage): Promise<void> {
    const { payload, metadata } = message;
    const threadId = await this.threads.threadOf(metadata.entity_type, metadata.order_id);
    const key = `status:${metadata.request_id}`;
    const { messageId } = await this.ledger.once(key, async () => {
      const change = payload.previous_status
        ? `${payload.previous_status} → **${payload.status}**`
        : `**${payload.status}**`;
      const posted = await this.discord.sendMessage(threadId, {
        content: `Order status: ${change}`,
        nonce: discordNonce(key),
      });
      return { messageId: posted.id };
    });
    await this.responses.send(
      message,
      BackendResponseType.ORDER_STATUS_UPDATED,
      { success: true, thread_id: threadId, status: payload.status },
      messageId,
    );
  }
}
