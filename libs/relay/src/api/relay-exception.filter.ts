import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { RelayErrorBody } from '@discord-backbone/contracts';
import { databaseFailure } from '@discord-backbone/prisma';
import type { RelayRequest } from './relay-backend.guard';
import { RelayHttpException } from './relay-http.exception';
import { requestIdOf } from './request-id.guard';

const CODES: Record<number, RelayErrorBody['error']> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** What a backend is told to wait when Postgres is unreachable or busy. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Every /v1 error as `{ error, message, request_id }`. Postgres unreachable or busy is a 503 with
 * Retry-After (the backend retries; nothing it did is lost). Anything else unexpected is a 500
 * that says nothing of its cause (logged, with the request id, for whoever operates the relay).
 */
@Catch()
export class RelayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(RelayExceptionFilter.name);

  constructor(private readonly http: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<RelayRequest>();
    const response: unknown = http.getResponse();
    const adapter = this.http.httpAdapter;
    const requestId = requestIdOf(request, response, adapter);
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let message = `Internal error; quote request id ${requestId}`;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const body = exception.getResponse();
      const text = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      message = Array.isArray(text) ? text.join('; ') : typeof text === 'string' ? text : exception.message;
      if (exception instanceof RelayHttpException && exception.retryAfterSeconds !== undefined)
        adapter.setHeader(response, 'Retry-After', String(exception.retryAfterSeconds));
    } else if (isDatabaseOutage(exception)) {
      status = HttpStatus.SERVICE_UNAVAILABLE;
      message = "The relay's database is unavailable or busy; retry shortly";
      adapter.setHeader(response, 'Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      this.logger.warn({
        msg: 'Relay request refused: the database is unavailable',
        requestId,
        method: request.method,
        path: request.url.split('?')[0],
        error: databaseFailure(exception)!.message,
      });
    } else {
      this.logger.error({
        msg: 'Relay request failed',
        requestId,
        method: request.method,
        path: request.url.split('?')[0],
        error: exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception),
      });
    }
    const body: RelayErrorBody = {
      error: CODES[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request'),
      message,
      request_id: requestId,
    };
    adapter.reply(response, body, status);
  }
}

function isDatabaseOutage(error: unknown): boolean {
  const kind = databaseFailure(error)?.kind;
  return kind === 'unavailable' || kind === 'busy';
}
