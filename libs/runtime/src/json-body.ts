import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';

/** The largest request body either app reads; bigger ones are refused with 413 before anything runs. */
export const BODY_LIMIT_BYTES = 256 * 1024;

type BodyRequest = FastifyRequest & { rawBody?: Buffer; malformedBody?: string };

/** The structured-syntax suffix types (application/problem+json, …), parameters allowed: Fastify tests the whole header. */
const JSON_SUFFIX = /^application\/[^\s;]+\+json\s*(?:;|$)/;

/**
 * JSON bodies, read as the exact bytes first (`request.rawBody`: a signature is checked over
 * them) and parsed without answering: a body that is not JSON is noted, not refused, so a request
 * is authenticated (401) before its body is judged (an unsigned interaction is 401 whatever its
 * body) and then refused with 400 by RejectMalformedBody. Any other type is read and dropped, as
 * if absent, so a route decides (a /v1 route answers 415 after its key check) instead of Fastify
 * answering 415 before authentication.
 */
export function readJsonBodies(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  const parseJson = (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: unknown) => void) => {
    const bodyRequest = request as BodyRequest;
    bodyRequest.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch (parseError) {
      bodyRequest.malformedBody = parseError instanceof Error ? parseError.message : 'not JSON';
      done(null, undefined);
    }
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJson);
  fastify.addContentTypeParser(JSON_SUFFIX, { parseAs: 'buffer' }, parseJson);
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
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
