import { randomUUID } from 'node:crypto';
import { CanActivate, ExecutionContext, HttpServer, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { RelayRequest } from './relay-backend.guard';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's X-Request-Id, given once: the client's, when it is a plain token of at most 128
 * characters, else a new UUID; set on the response too.
 */
export function requestIdOf(request: RelayRequest, response: unknown, adapter: HttpServer): string {
  if (request.requestId !== undefined) return request.requestId;
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID();
  request.requestId = id;
  adapter.setHeader(response, 'X-Request-Id', id);
  return id;
}

/**
 * The first of the /v1 guards, so a 429 or 401 carries the request id; RelayExceptionFilter gives
 * one to errors thrown before it (a host's global guard).
 */
@Injectable()
export class RequestIdGuard implements CanActivate {
  constructor(private readonly http: HttpAdapterHost) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    requestIdOf(http.getRequest<RelayRequest>(), http.getResponse(), this.http.httpAdapter);
    return true;
  }
}
