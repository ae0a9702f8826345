import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { SendMessageRequestDto, SendResponse } from '@discord-backbone/contracts';
import {
  DiscordInvalidRequestBudgetError,
  DiscordInvalidRequestError,
  DiscordMissingPermissionsError,
  DiscordRateLimitedError,
  DiscordRestClient,
  DiscordRestClientFactory,
  DiscordUnauthorizedError,
  DiscordUnavailableError,
  DiscordUnknownResourceError,
} from '@discord-backbone/discord';
import { Prisma, PrismaService } from '@discord-backbone/prisma';
import type { BackendBotSettings } from '../config/relay-settings';
import { RELAY_API_OPTIONS, RelayApiOptions } from './relay-api.options';
import { RelayHttpException } from './relay-http.exception';
import { SendPermissions } from './send-permissions';

/** Discord accepts a nonce of at most 25 characters. */
const NONCE_LENGTH = 25;

/**
 * POST /v1/messages/send: posts a backend bot's message through one of the Discord bots that
 * route to it, DM or channel, where SendPermissions lets it, and records it. With an
 * Idempotency-Key the request is stored first (its hash, to refuse the same key for another
 * request) and sent with a nonce derived from the key and `enforce_nonce`, so a retry — even one
 * racing the first, or after a crash between send and record — answers the one Discord message.
 */
@Injectable()
export class OutboundSender {
  private readonly discord = new Map<string, DiscordRestClient>();

  constructor(
    private readonly prisma: PrismaService,
    @Inject(RELAY_API_OPTIONS) options: RelayApiOptions,
    clients: DiscordRestClientFactory,
    private readonly permissions: SendPermissions,
  ) {
    for (const bot of options.settings.discordBots) {
      this.discord.set(
        bot.id,
        clients.create({
          token: bot.token.reveal(),
          apiBaseUrl: options.apiBaseUrl,
          requestTimeoutMs: options.requestTimeoutMs,
        }),
      );
    }
  }

  async send(
    backend: BackendBotSettings,
    request: SendMessageRequestDto,
    idempotencyKey: string | undefined,
  ): Promise<SendResponse> {
    const discord = this.discord.get(request.discord_bot_id);
    // Only through a Discord bot that routes to this backend: another backend's bot is as unknown as a missing one.
    if (!discord || !this.permissions.mayUse(backend, request.discord_bot_id)) {
      throw new RelayHttpException(
        404,
        `Unknown discord_bot_id "${request.discord_bot_id}" (or it routes nothing to this backend bot)`,
      );
    }
    const destinationId =
      request.destination.type === 'dm' ? request.destination.user_id! : request.destination.channel_id!;
    // The DM channel is asked for once, by the permission check or for the message.
    let dmChannel: Promise<string> | undefined;
    const openDm = () => (dmChannel ??= discord.createDM(destinationId).then((channel) => channel.id));
    try {
      await this.permissions.authorize(backend, request.discord_bot_id, request.destination, {
        dmChannel: openDm,
        guildOf: async (channelId) => {
          const channel = await discord.getChannel(channelId);
          return 'guild_id' in channel ? (channel.guild_id ?? null) : null;
        },
      });
    } catch (error) {
      throw toHttp(error);
    }
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify([
          request.discord_bot_id,
          request.destination.type,
          destinationId,
          request.content,
          request.reply_to_discord_message_id ?? null,
        ]),
      )
      .digest('hex');

    const record =
      idempotencyKey === undefined
        ? undefined
        : await this.reserve(backend, request, destinationId, idempotencyKey, requestHash);
    if (record?.status === 'sent')
      return { discord_message_id: record.discordMessageId!, channel_id: record.channelId! };
    const nonce =
      idempotencyKey === undefined
        ? undefined
        : createHash('sha256').update(`${backend.id}\u0000${idempotencyKey}`).digest('hex').slice(0, NONCE_LENGTH);

    try {
      const channelId = request.destination.type === 'dm' ? await openDm() : destinationId;
      const message = await discord.sendMessage(channelId, {
        content: request.content,
        nonce,
        replyTo: request.reply_to_discord_message_id,
      });
      const sent = { status: 'sent' as const, channelId, discordMessageId: message.id, sentAt: new Date() };
      if (record) await this.prisma.relayOutboundMessage.update({ where: { id: record.id }, data: sent });
      else
        await this.prisma.relayOutboundMessage.create({
          data: { ...this.fields(backend, request, destinationId, requestHash), ...sent },
        });
      return { discord_message_id: message.id, channel_id: channelId };
    } catch (error) {
      throw toHttp(error);
    }
  }

  /** The request's record under its key: created now, or the earlier one (the same request only). */
  private async reserve(
    backend: BackendBotSettings,
    request: SendMessageRequestDto,
    destinationId: string,
    idempotencyKey: string,
    requestHash: string,
  ) {
    const where = { backendBotId_idempotencyKey: { backendBotId: backend.id, idempotencyKey } };
    let record = await this.prisma.relayOutboundMessage.findUnique({ where });
    if (!record) {
      try {
        record = await this.prisma.relayOutboundMessage.create({
          data: { ...this.fields(backend, request, destinationId, requestHash), idempotencyKey },
        });
      } catch (error) {
        // A concurrent request with the same key created it first.
        if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
        record = await this.prisma.relayOutboundMessage.findUniqueOrThrow({ where });
      }
    }
    if (record.requestHash !== requestHash) {
      throw new RelayHttpException(
        409,
        'This Idempotency-Key was used for a different request; use a new key for a new message',
      );
    }
    return record;
  }

  private fields(
    backend: BackendBotSettings,
    request: SendMessageRequestDto,
    destinationId: string,
    requestHash: string,
  ) {
    return {
      backendBotId: backend.id,
      discordBotId: request.discord_bot_id,
      requestHash,
      destinationType: request.destination.type,
      destinationId,
      replyTo: request.reply_to_discord_message_id ?? null,
      content: request.content,
    };
  }
}

/** Discord's answer as the plan's codes; Discord's own message is passed on (it names no secret). */
function toHttp(error: unknown): unknown {
  if (error instanceof DiscordUnknownResourceError)
    return new RelayHttpException(404, `Unknown destination: ${error.message}`);
  if (error instanceof DiscordMissingPermissionsError)
    return new RelayHttpException(403, `The Discord bot may not post there: ${error.message}`);
  if (error instanceof DiscordRateLimitedError)
    return new RelayHttpException(
      429,
      `Discord rate limit: retry after ${error.retryAfterSeconds} s`,
      error.retryAfterSeconds,
    );
  if (error instanceof DiscordInvalidRequestError)
    return new RelayHttpException(400, `Discord refused the message: ${error.message}`);
  if (error instanceof DiscordUnauthorizedError)
    return new RelayHttpException(
      503,
      "Discord rejects this Discord bot's token; the relay's operator must fix its configuration",
      error.retryAfterSeconds,
    );
  if (error instanceof DiscordInvalidRequestBudgetError)
    return new RelayHttpException(
      503,
      'Discord calls are held back for a while (too many refused requests from this service); retry later',
      error.retryAfterSeconds,
    );
  if (error instanceof DiscordUnavailableError)
    return new RelayHttpException(
      503,
      'Discord is unreachable or failing; retry later (with the same Idempotency-Key)',
      5,
    );
  return error;
}
