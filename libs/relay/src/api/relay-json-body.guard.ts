import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { RelayRequest } from './relay-backend.guard';
import { RelayHttpException } from './relay-http.exception';

/** application/json and its structured-syntax suffix types (application/problem+json, …), parameters allowed. */
const JSON_TYPE = /^application\/(?:[^\s;]+\+)?json\s*(?:;|$)/i;

/**
 * A /v1 request with a body must send it as JSON: any other body (text/plain, a form) is 415,
 * never read as an empty one. Runs after RelayBackendGuard (a request without a key is 401 first).
 */
@Injectable()
export class RelayJsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RelayRequest>();
    const hasBody =
      request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    if (hasBody && !JSON_TYPE.test(request.headers['content-type'] ?? '')) {
      throw new RelayHttpException(
        415,
        `The body must be JSON (Content-Type: application/json), not ${request.headers['content-type'] ?? 'untyped'}`,
      );
    }
    return true;
  }
}
