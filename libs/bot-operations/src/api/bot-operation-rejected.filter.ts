import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BotOperationRejectedError } from './bot-operation.errors';

/**
 * A rejected operation as an HTTP answer: 503 when bot operations are not configured (the
 * request was fine, this deployment cannot serve it), 400 when the operation itself is invalid.
 */
@Catch(BotOperationRejectedError)
export class BotOperationRejectedFilter implements ExceptionFilter {
  constructor(private readonly http: HttpAdapterHost) {}

  catch(error: BotOperationRejectedError, host: ArgumentsHost): void {
    const status = error.reason === 'not_configured' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_REQUEST;
    this.http.httpAdapter.reply(
      host.switchToHttp().getResponse(),
      { statusCode: status, error: error.name, message: error.message },
      status,
    );
  }
}
