import { randomUUID } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { RelayRequest } from './relay-backend.guard';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * X-Request-Id: the client's, when it is a plain token of at most 128 characters, else a new UUID;
 * echoed on every /v1 response, errors included. The first of the /v1 guards, so a 429 or 401 has one too.
 */
@Injectable()
export class RequestIdGuard implements CanActivate {
  constructor(private readonly http: HttpAdapterHost) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<RelayRequest>();
    const given = request.headers['x-request-id'];
    const id = typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID();
    request.requestId = id;
    this.http.httpAdapter.setHeader(http.getResponse(), 'X-Request-Id', id);
    return true;
  }
}
