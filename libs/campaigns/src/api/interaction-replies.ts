import { InteractionResponseType, MessageFlags } from 'discord.js';
import type { APIInteractionResponse } from 'discord.js';

/** An answer only the user who acted sees; it pings nobody. */
export function ephemeral(content: string): APIInteractionResponse {
  return { type: InteractionResponseType.ChannelMessageWithSource, data: { content, flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } } };
}
