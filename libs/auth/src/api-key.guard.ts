import type { IncomingHttpHeaders } from 'node:http';
import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { ApiKeyRegistry } from './api-key.registry';
import { AuthenticatedBy, PublicRoute, RequiresScope } from './auth.decorators';
import { AUTH_OPTIONS, AuthOptions } from './auth.options';

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/**
 * The API app's global guard: every route needs `Authorization: Bearer <key>` with a key from
 * API_KEYS or API_ADMIN_KEYS, unless it declares another scheme (@AuthenticatedBy, checked by its
 * own guard) or is a health probe (@PublicRoute). Admin routes (@RequiresScope('admin')) refuse
 * service keys with 403.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: ApiKeyRegistry,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    private readonly http: HttpAdapterHost,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (
      this.reflector.getAllAndOverride(AuthenticatedBy, targets) ||
      this.reflector.getAllAndOverride(PublicRoute, targets)
    )
      return true;
    if (this.options.disabled) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<{ headers: IncomingHttpHeaders; apiKeyId?: string }>();
    const presented = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const key = presented === undefined ? undefined : this.registry.verify(presented);
    if (!key) {
      this.http.httpAdapter.setHeader(http.getResponse(), 'WWW-Authenticate', 'Bearer realm="api"');
      throw new UnauthorizedException(
        presented === undefined ? 'Missing API key: send Authorization: Bearer <key>' : 'Invalid API key',
      );
    }
    request.apiKeyId = key.id;
    if (this.reflector.getAllAndOverride(RequiresScope, targets) === 'admin' && key.scope !== 'admin') {
      throw new ForbiddenException('This route needs an API key with the admin scope (API_ADMIN_KEYS)');
    }
    return true;
  }
}
