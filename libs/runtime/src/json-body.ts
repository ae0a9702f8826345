import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { raw } from 'express';
import type { Observable } from 'rxjs';

type BodyRequest = Request & { rawBody?: Buffer; malformedBody?: string };

const readRaw = raw({ type: ['application/json', 'application/*+json'], limit: '256kb' });

/**
 * JSON bodies, read as the exact bytes first (`req.rawBody`: a signature is checked over them)
 * and parsed without answering: a body that is not JSON is noted, not refused, so a request is
 * authenticated (401) before its body is judged — an unsigned interaction is 401 whatever its
 * body — and then refused with 400 by RejectMalformedBody.
 */
export function jsonBody(req: BodyRequest, res: Response, next: NextFunction): void {
  readRaw(req, res, (error?: unknown) => {
    if (error) return next(error);
    if (!Buffer.isBuffer(req.body)) return next();
    req.rawBody = req.body;
    try {
      req.body = req.rawBody.length === 0 ? undefined : (JSON.parse(req.rawBody.toString('utf8')) as unknown);
    } catch (parseError) {
      req.body = undefined;
      req.malformedBody = parseError instanceof Error ? parseError.message : 'not JSON';
    }
    next();
  });
}

/** Runs after the guards: an authenticated request whose body is not JSON gets 400 saying so. */
@Injectable()
export class RejectMalformedBody implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const malformed =
      context.getType() === 'http' ? context.switchToHttp().getRequest<BodyRequest>().malformedBody : undefined;
    if (malformed !== undefined) throw new BadRequestException(`The request body is not valid JSON: ${malformed}`);
    return next.handle();
  }
}
