import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { databaseFailure, Prisma } from '@discord-backbone/prisma';
import { describeError, RetryLaterError } from '@discord-backbone/queue';

/** An HTTP answer to an error the filter would otherwise leave to Nest (a 500). */
export interface ErrorAnswer {
  status: number;
  message: string;
  retryAfterSeconds?: number;
}

/** Answers the errors of one dependency (e.g. `discordHttpAnswer` from @discord-backbone/discord), undefined for the rest. */
export type ErrorAnswerer = (error: unknown) => ErrorAnswer | undefined;

/**
 * The errors a request can meet that are not the caller's fault, or are but were not caught by
 * validation, as clear HTTP answers instead of 500s: a database or Discord that is busy or away
 * → 503 with Retry-After; a unique or foreign key violation → 409 / 404; a dependency's own errors
 * as its answerer says (an app passes Discord's: the worker, without Discord consumers, need not
 * load discord.js for this). Anything else keeps Nest's handling (HttpExceptions as they are; a bug → 500 without internals, logged).
 */
@Catch()
export class ApiErrorsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(ApiErrorsFilter.name);

  constructor(
    applicationRef: ConstructorParameters<typeof BaseExceptionFilter>[0],
    private readonly answerers: readonly ErrorAnswerer[] = [],
  ) {
    super(applicationRef);
  }

  override catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http' || error instanceof HttpException) return super.catch(error, host);
    const answer = this.answerFor(error);
    if (!answer) {
      this.logger.error({ msg: 'Request failed', error: describeError(error).message });
      return super.catch(error, host);
    }
    // Through the app's HTTP adapter: the answer is written the same way on Fastify and on Express.
    const adapter = this.applicationRef ?? this.httpAdapterHost!.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    if (answer.retryAfterSeconds !== undefined)
      adapter.setHeader(response, 'Retry-After', String(answer.retryAfterSeconds));
    if (answer.status >= 500)
      this.logger.warn({
        msg: 'Request refused: a dependency is unavailable',
        status: answer.status,
        error: describeError(error).message,
      });
    adapter.reply(
      response,
      { statusCode: answer.status, error: HttpStatus[answer.status], message: answer.message },
      answer.status,
    );
  }

  private answerFor(error: unknown): ErrorAnswer | undefined {
    const database = databaseFailure(error);
    if (database?.kind === 'unavailable' || database?.kind === 'busy') {
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        message: 'The database is unavailable or busy; try again shortly',
        retryAfterSeconds: 5,
      };
    }
    if (database?.kind === 'data')
      return { status: HttpStatus.BAD_REQUEST, message: 'A value is out of the range the database can store' };
    if (error instanceof Prisma.PrismaClientKnownRequestError) {
      if (error.code === 'P2002')
        return { status: HttpStatus.CONFLICT, message: 'A record with these values already exists' };
      if (error.code === 'P2003')
        return { status: HttpStatus.NOT_FOUND, message: `A referenced record does not exist${referencedField(error)}` };
      if (error.code === 'P2025') return { status: HttpStatus.NOT_FOUND, message: 'The record does not exist' };
    }
    for (const answerer of this.answerers) {
      const answer = answerer(error);
      if (answer) return answer;
    }
    if (error instanceof RetryLaterError) {
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        message: 'Discord cannot be asked right now; try again later',
        retryAfterSeconds: Math.ceil(error.retryAfterSeconds),
      };
    }
    return undefined;
  }
}

/** ` (customerId)` from the violated constraint, e.g. orders_customer_id_fkey. */
function referencedField(error: Prisma.PrismaClientKnownRequestError): string {
  const meta = error.meta as
    { field_name?: string; driverAdapterError?: { cause?: { constraint?: { index?: string } } } } | undefined;
  const constraint = meta?.driverAdapterError?.cause?.constraint?.index ?? meta?.field_name ?? '';
  const column = /^[a-z]+_(.+)_fkey/.exec(constraint)?.[1];
  return column ? ` (${column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())})` : '';
}
