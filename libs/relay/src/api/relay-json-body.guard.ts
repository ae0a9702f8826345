import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RelayHttpException } from './relay-http.exception';

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * A /v1 request with a body must send it as JSON: any other body (text/plain, a form) is 415,
 * never read as an empty one. Runs after RelayBackendGuard (a request without a key is 401 first).
 */
@Injectable()
export class RelayJsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const hasBody =
      request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    if (hasBody && !request.is(JSON_TYPES)) {
      throw new RelayHttpException(
        415,
        `The body must be JSON (Content-Type: application/json), not ${request.headers['content-type'] ?? 'untyped'}`,
      );
    }
    return true;
  }
}
