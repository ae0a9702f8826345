import { randomUUID } from 'node:crypto';
import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { RelayRequest } from './relay-backend.guard';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** X-Request-Id: the client's, when it is a plain token of at most 128 characters, else a new UUID; echoed on every /v1 response, errors included. */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  use(request: RelayRequest, response: Response, next: NextFunction): void {
    const given = request.headers['x-request-id'];
    const id = typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID();
    request.requestId = id;
    response.setHeader('X-Request-Id', id);
    next();
  }
}
