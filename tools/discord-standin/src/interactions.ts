// Discord's side of HTTP interactions: it signs and POSTs interactions (slash commands, button
// presses) to the app's interactions endpoint and acts on the app's answer; the interaction's
// token then lets the app edit its answer (rest/webhook.routes.ts) for 15 minutes.
import { generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
} from 'discord.js';
import type { APIInteractionResponse } from 'discord.js';
import { computeChannelPermissions } from '@discord-backbone/discord';
import type { BotAccess } from './world/bot-access';
import { memberView } from './world/shapes';
import type { FakeInteraction, FakeMessage, InteractionDelivery } from './world/shapes';
import { snowflake } from './world/snowflake';
import type { FakeWorld } from './world/world';

/** Interaction tokens are valid for 15 minutes. */
const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

/** What an answered interaction's token allows, until when. */
export interface InteractionToken {
  applicationId: string;
  channelId: string;
  expiresAt: number;
  /** The message @original names: the deferred answer, or the message whose component was used. */
  messageId?: string;
}

/** The interactions of the default bot's application, signed with its own Ed25519 key. */
export class FakeInteractions {
  /** Its public key as the developer portal shows it (hex): what the app verifies interactions with. */
  readonly publicKey: string;
  /** The app's interactions endpoint (Discord's "Interactions Endpoint URL"). */
  interactionsUrl: string | undefined;
  /** Lifetime of an interaction token (15 minutes on Discord). */
  tokenLifetimeMs = INTERACTION_TOKEN_LIFETIME_MS;
  private readonly signingKey: KeyObject;
  private readonly tokens = new Map<string, InteractionToken>();

  constructor(
    private readonly world: FakeWorld,
    private readonly access: BotAccess,
  ) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    this.signingKey = privateKey;
    // The raw 32-byte key is the tail of its SPKI encoding.
    this.publicKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  }

  reset(): void {
    this.tokens.clear();
    this.tokenLifetimeMs = INTERACTION_TOKEN_LIFETIME_MS;
  }

  /** What the token of an answered interaction allows; undefined for one never answered. */
  token(token: string): InteractionToken | undefined {
    return this.tokens.get(token);
  }

  /** The message an interaction's token calls @original (its deferred answer, or its component's message). */
  originalResponse(interaction: Pick<FakeInteraction, 'token' | 'channelId'>): FakeMessage | undefined {
    const messageId = this.tokens.get(interaction.token)?.messageId;
    return messageId === undefined ? undefined : this.world.message(interaction.channelId, messageId);
  }

  /**
   * Signs (Ed25519 over timestamp + body, as Discord does) and POSTs an interaction to
   * `interactionsUrl`, then acts on the answer: a deferred or immediate answer becomes the
   * interaction's original message, an update (type 7) edits the component's message.
   * `signature`/`timestamp` override what is sent, and `body` replaces the body after signing
   * (altered in transit), to play a forger or a replay.
   */
  async send(
    interaction: FakeInteraction,
    tamper: { signature?: string | null; timestamp?: number; body?: string } = {},
  ): Promise<InteractionDelivery> {
    if (!this.interactionsUrl) throw new Error('No interactions endpoint: set interactionsUrl');
    const signed = JSON.stringify(interaction.payload);
    const body = tamper.body ?? signed;
    const timestamp = String(tamper.timestamp ?? Math.floor(Date.now() / 1000));
    const signature =
      tamper.signature === undefined
        ? sign(null, Buffer.from(timestamp + signed), this.signingKey).toString('hex')
        : tamper.signature;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-signature-timestamp': timestamp,
      'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
    };
    if (signature !== null) headers['x-signature-ed25519'] = signature;
    const started = performance.now();
    const res = await fetch(this.interactionsUrl, { method: 'POST', headers, body });
    const text = await res.text();
    const ms = performance.now() - started;
    const answer = parseAnswer(text);
    if (res.status === 200 && answer && tamper.body === undefined) this.apply(interaction, answer);
    return { interaction, status: res.status, body: answer, ms };
  }

  /** The PING Discord sends when the endpoint URL is saved in the developer portal (it expects PONG). */
  ping(): FakeInteraction {
    const interaction = this.newInteraction('', ''); // no guild, no channel
    interaction.payload = {
      id: interaction.id,
      application_id: interaction.applicationId,
      type: InteractionType.Ping,
      token: interaction.token,
      version: 1,
    };
    return interaction;
  }

  /** A slash command invoked by `userId` in a guild channel; the member's permissions are computed unless given. */
  command(options: {
    guildId: string;
    channelId: string;
    userId: string;
    name: string;
    options?: Record<string, string>;
    permissions?: bigint;
  }): FakeInteraction {
    const interaction = this.newInteraction(options.guildId, options.channelId);
    interaction.payload = {
      ...this.base(interaction, options.userId, options.permissions),
      type: InteractionType.ApplicationCommand,
      data: {
        id: snowflake(),
        name: options.name,
        type: 1,
        options: Object.entries(options.options ?? {}).map(([name, value]) => ({
          name,
          type: ApplicationCommandOptionType.String,
          value,
        })),
      },
    };
    return interaction;
  }

  /** A press of the button `customId` on a message, by `userId`. */
  button(options: {
    channelId: string;
    messageId: string;
    customId: string;
    userId: string;
    permissions?: bigint;
  }): FakeInteraction {
    const message = this.world.message(options.channelId, options.messageId);
    const channel = this.world.channel(options.channelId);
    if (!message || !channel?.guild_id)
      throw new Error(`no message ${options.messageId} in a guild channel ${options.channelId}`);
    const interaction = this.newInteraction(channel.guild_id, options.channelId);
    interaction.payload = {
      ...this.base(interaction, options.userId, options.permissions),
      type: InteractionType.MessageComponent,
      message,
      data: { custom_id: options.customId, component_type: ComponentType.Button },
    };
    return interaction;
  }

  private newInteraction(guildId: string, channelId: string): FakeInteraction {
    // Interaction tokens are long opaque strings; this one is shaped like Discord's.
    const token = `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`;
    return { id: snowflake(), token, applicationId: this.world.applicationId, guildId, channelId, payload: {} };
  }

  private base(interaction: FakeInteraction, userId: string, permissions: bigint | undefined): Record<string, unknown> {
    const guild = this.world.guild(interaction.guildId);
    const channel = this.world.channelOr404(interaction.channelId);
    const member = this.world.member(guild.id, userId) ?? { roles: [], joined_at: new Date().toISOString() };
    const memberPermissions = permissions ?? computeChannelPermissions(guild, member, userId, channel);
    return {
      id: interaction.id,
      application_id: interaction.applicationId,
      token: interaction.token,
      version: 1,
      guild_id: guild.id,
      guild: { id: guild.id, locale: 'en-US', features: guild.features },
      channel_id: channel.id,
      channel: { id: channel.id, type: channel.type, guild_id: guild.id, name: channel.name },
      member: { ...memberView(this.world.person(userId), member), permissions: memberPermissions.toString() },
      app_permissions: this.access.permissions(this.world.applicationBot, guild.id, channel).toString(),
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: 0,
    };
  }

  /** What Discord does with the app's answer. A second answer to one interaction is ignored, as Discord refuses it. */
  private apply(interaction: FakeInteraction, answer: APIInteractionResponse): void {
    if (this.tokens.has(interaction.token) || answer.type === InteractionResponseType.Pong) return;
    const record: InteractionToken = {
      applicationId: interaction.applicationId,
      channelId: interaction.channelId,
      expiresAt: Date.now() + this.tokenLifetimeMs,
    };
    this.tokens.set(interaction.token, record);
    const data = ('data' in answer ? answer.data : undefined) as
      { content?: string; components?: unknown[]; flags?: number } | undefined;
    if (
      answer.type === InteractionResponseType.DeferredChannelMessageWithSource ||
      answer.type === InteractionResponseType.ChannelMessageWithSource
    ) {
      const deferred = answer.type === InteractionResponseType.DeferredChannelMessageWithSource;
      const flags = (data?.flags ?? 0) & MessageFlags.Ephemeral;
      const message = this.world.messageStore.record(this.world.channelOr404(interaction.channelId), {
        content: deferred ? '' : (data?.content ?? ''),
        author: this.world.person(this.world.applicationBot.userId, true),
        components: deferred ? [] : (data?.components ?? []),
        flags: deferred ? flags | MessageFlags.Loading : flags,
        type: 20, // ChatInputCommand
      });
      record.messageId = message.id;
    } else if (
      answer.type === InteractionResponseType.DeferredMessageUpdate ||
      answer.type === InteractionResponseType.UpdateMessage
    ) {
      const messageId = (interaction.payload.message as FakeMessage | undefined)?.id;
      record.messageId = messageId;
      if (answer.type === InteractionResponseType.UpdateMessage && messageId)
        this.world.messageStore.edit(interaction.channelId, messageId, data ?? {}, 'callback');
    }
  }
}

/** The app's answer to an interaction: JSON, or nothing usable (Discord would say "This interaction failed"). */
function parseAnswer(text: string): APIInteractionResponse | undefined {
  try {
    return text ? (JSON.parse(text) as APIInteractionResponse) : undefined;
  } catch {
    return undefined;
  }
}
