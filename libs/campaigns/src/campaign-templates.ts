import { ChannelConfig, MAX_CAMPAIGN_CHANNELS } from '@discord-backbone/contracts';
import { decodePayload } from '@discord-backbone/queue';
import oneShot from './templates/one-shot.json';
import standard from './templates/standard.json';

/** A campaign's channels: the data of one file in ./templates, checked when the module loads. */
export interface CampaignTemplate {
  id: string;
  /** Shown as the command option's choice. */
  label: string;
  channels: ChannelConfig[];
}

/** Voice channels keep their names as given; text, announcement and forum names are stored like this: what find-by-name compares against. */
const NORMALIZED_NAME = /^[a-z0-9_-]+$/;
const VOICE = 2;

/**
 * Checks a template file: 1–50 channels (a category holds 50), each a valid `channel_config`,
 * names unique (a channel is found again by its name), text-like names already in the form Discord
 * gives them (lowercase, no spaces). Throws naming the template and the problem.
 */
export function parseTemplate(id: string, data: unknown): CampaignTemplate {
  const fail = (problem: string) => new Error(`Campaign template "${id}": ${problem}`);
  const { label, channels } = (data ?? {}) as { label?: unknown; channels?: unknown };
  if (typeof label !== 'string' || label.length < 1 || label.length > 100)
    throw fail('label must be a string of 1–100 characters');
  if (!Array.isArray(channels) || channels.length < 1 || channels.length > MAX_CAMPAIGN_CHANNELS)
    throw fail(`channels must list 1–${MAX_CAMPAIGN_CHANNELS} channels`);
  const parsed = channels.map((channel: unknown, index) => {
    try {
      return decodePayload(ChannelConfig, channel);
    } catch (error) {
      throw fail(`channel ${index + 1}: ${(error as Error).message}`);
    }
  });
  const names = new Set<string>();
  for (const channel of parsed) {
    if (names.has(channel.name)) throw fail(`two channels are named "${channel.name}"`);
    names.add(channel.name);
    if (channel.type !== VOICE && !NORMALIZED_NAME.test(channel.name)) {
      throw fail(
        `"${channel.name}" is not a name Discord keeps as is for this channel type: use lowercase letters, digits, - and _`,
      );
    }
  }
  return { id, label, channels: parsed };
}

/** Every template, by the id the command option sends. Adding one: a JSON file in ./templates and a line here. */
export const CAMPAIGN_TEMPLATES: ReadonlyMap<string, CampaignTemplate> = new Map(
  Object.entries({ standard, 'one-shot': oneShot }).map(([id, data]) => [id, parseTemplate(id, data)]),
);

/** The document's default: 10 channels. */
export const DEFAULT_TEMPLATE = 'standard';
