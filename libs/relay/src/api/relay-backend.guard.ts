import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { BackendBotSettings } from '../config/relay-config';
import { RELAY_API_OPTIONS, RelayApiOptions } from './relay-api.options';

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

export type RelayRequest = Request & { relayBackend?: BackendBotSettings; requestId?: string };

/**
 * /v1 routes: `Authorization: Bearer <key>` of an enabled backend bot (RELAY_CONFIG), checked
 * like the service API keys (KeyRing: SHA-256 digests compared in constant time). The request
 * then acts as that backend, and only sees its deliveries.
 */
@Injectable()
export class RelayBackendGuard implements CanActivate {
  private readonly backends: Map<string, BackendBotSettings>;

  constructor(@Inject(RELAY_API_OPTIONS) private readonly options: RelayApiOptions) {
    this.backends = new Map(options.settings.backendBots.map((b) => [b.id, b]));
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<RelayRequest>();
    const presented = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const owner = presented === undefined ? undefined : this.options.settings.backendKeys.verify(presented)?.owner;
    const backend = owner === undefined ? undefined : this.backends.get(owner);
    if (!backend?.enabled) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="relay"');
      throw new UnauthorizedException(presented === undefined ? "Missing key: send Authorization: Bearer <your backend bot's api_key>" : 'Invalid key');
    }
    request.relayBackend = backend;
    return true;
  }
}
