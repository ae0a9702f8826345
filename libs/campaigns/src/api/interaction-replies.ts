import { InteractionResponseType, MessageFlags } from 'discord.js';
import type { APIInteractionResponse } from 'discord.js';

/** An answer only the user who acted sees; it pings nobody. */
export function ephemeral(content: string): APIInteractionResponse {
  return {
    type: InteractionResponseType.ChannelMessageWithSource,
    data: { content, flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
  };
}

/** When the server's roles could not be read from Discord in time: nothing was done. */
export const PERMISSIONS_UNCHECKED =
  'Your permissions on this server could not be checked with Discord just now; nothing was done. Try again in a moment.';

/** A server at CAMPAIGN_MAX_IN_PROGRESS_PER_GUILD: nothing was started. */
export function quotaReached(limit: number): APIInteractionResponse {
  return ephemeral(
    `This server already has ${limit} campaign${limit === 1 ? '' : 's'} in progress (the most at once): try again when one has finished.`,
  );
}
