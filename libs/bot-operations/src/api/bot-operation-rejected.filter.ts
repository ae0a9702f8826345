import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { BotOperationRejectedError } from './bot-operation.errors';

/**
 * A rejected operation as an HTTP answer: 503 when bot operations are not configured (the
 * request was fine, this deployment cannot serve it), 400 when the operation itself is invalid.
 */
@Catch(BotOperationRejectedError)
export class BotOperationRejectedFilter implements ExceptionFilter {
  catch(error: BotOperationRejectedError, host: ArgumentsHost): void {
    const status = error.reason === 'not_configured' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_REQUEST;
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(status)
      .json({ statusCode: status, error: error.name, message: error.message });
  }
}
