import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { BackendBotSettings } from '../config/relay-settings';
import { RELAY_API_OPTIONS, RelayApiOptions } from './relay-api.options';
import { RelayHttpException } from './relay-http.exception';
import { RelayRateLimiter } from './relay-rate-limiter';

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/** What the /v1 guards and filter read of a request, the same on Express and on Fastify. */
export interface RelayRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  ip?: string;
  socket: Socket;
  relayBackend?: BackendBotSettings;
  requestId?: string;
}

/**
 * /v1 routes: `Authorization: Bearer <key>` of an enabled backend bot (RELAY_CONFIG), checked
 * like the service API keys (KeyRing: SHA-256 digests compared in constant time). The request
 * then acts as that backend, and only sees its deliveries. Every request counts against a rate
 * limit first: the backend's, across all /v1 routes, or — without a valid key — its client
 * address's, so guessing keys is limited too (429 before 401).
 */
@Injectable()
export class RelayBackendGuard implements CanActivate {
  private readonly backends: Map<string, BackendBotSettings>;

  constructor(
    @Inject(RELAY_API_OPTIONS) private readonly options: RelayApiOptions,
    private readonly limiter: RelayRateLimiter,
    private readonly http: HttpAdapterHost,
  ) {
    this.backends = new Map(options.settings.backendBots.map((b) => [b.id, b]));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<RelayRequest>();
    const presented = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const owner = presented === undefined ? undefined : this.options.settings.backendKeys.verify(presented)?.owner;
    const backend = owner === undefined ? undefined : this.backends.get(owner);
    const authenticated = backend?.enabled ? backend : undefined;

    const decision = await this.limiter.take(
      authenticated
        ? `backend:${authenticated.id}`
        : `address:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`,
    );
    if (!decision.allowed) {
      throw new RelayHttpException(
        429,
        `Rate limit: at most ${this.options.rateLimitPerMinute} requests a minute per backend bot (and per address without a valid key)`,
        decision.retryAfterSeconds,
      );
    }
    if (!authenticated) {
      this.http.httpAdapter.setHeader(http.getResponse(), 'WWW-Authenticate', 'Bearer realm="relay"');
      throw new UnauthorizedException(
        presented === undefined
          ? "Missing key: send Authorization: Bearer <your backend bot's api_key>"
          : 'Invalid key',
      );
    }
    request.relayBackend = authenticated;
    return true;
  }
}
