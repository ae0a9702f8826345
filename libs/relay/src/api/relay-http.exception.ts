import { HttpException } from '@nestjs/common';

/** An error answer of /v1; with `retryAfterSeconds`, the response carries Retry-After. */
export class RelayHttpException extends HttpException {
  constructor(
    status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message, status);
  }
}
