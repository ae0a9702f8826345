import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { DiscordNotConfiguredError, DiscordRateLimitedError, DiscordUnauthorizedError, DiscordUnavailableError } from '@discord-backbone/discord';
import { databaseFailure, Prisma } from '@discord-backbone/prisma';
import { describeError, RetryLaterError } from '@discord-backbone/queue';

/**
 * The errors a request can meet that are not the caller's fault, or are but were not caught by
 * validation, as clear HTTP answers instead of 500s: a database or Discord that is busy or away
 * → 503 with Retry-After; a unique or foreign key violation → 409 / 404. Anything else keeps
 * Nest's handling (HttpExceptions as they are; a bug → 500 without internals, logged).
 */
@Catch()
export class ApiErrorsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(ApiErrorsFilter.name);

  override catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http' || error instanceof HttpException) return super.catch(error, host);
    const answer = this.answerFor(error);
    if (!answer) {
      this.logger.error({ msg: 'Request failed', error: describeError(error).message });
      return super.catch(error, host);
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (answer.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(answer.retryAfterSeconds));
    if (answer.status >= 500) this.logger.warn({ msg: 'Request refused: a dependency is unavailable', status: answer.status, error: describeError(error).message });
    response.status(answer.status).json({ statusCode: answer.status, error: HttpStatus[answer.status], message: answer.message });
  }

  private answerFor(error: unknown): { status: number; message: string; retryAfterSeconds?: number } | undefined {
    const database = databaseFailure(error);
    if (database?.kind === 'unavailable' || database?.kind === 'busy') {
      return { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'The database is unavailable or busy; try again shortly', retryAfterSeconds: 5 };
    }
    if (database?.kind === 'data') return { status: HttpStatus.BAD_REQUEST, message: 'A value is out of the range the database can store' };
    if (error instanceof Prisma.PrismaClientKnownRequestError) {
      if (error.code === 'P2002') return { status: HttpStatus.CONFLICT, message: 'A record with these values already exists' };
      if (error.code === 'P2003') return { status: HttpStatus.NOT_FOUND, message: `A referenced record does not exist${referencedField(error)}` };
      if (error.code === 'P2025') return { status: HttpStatus.NOT_FOUND, message: 'The record does not exist' };
    }
    if (error instanceof DiscordNotConfiguredError) return { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'Discord is not configured for this API (DISCORD_BOT_TOKEN)' };
    if (error instanceof DiscordRateLimitedError || error instanceof DiscordUnauthorizedError || error instanceof RetryLaterError) {
      return { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'Discord cannot be asked right now; try again later', retryAfterSeconds: Math.ceil(error.retryAfterSeconds) };
    }
    if (error instanceof DiscordUnavailableError) return { status: HttpStatus.SERVICE_UNAVAILABLE, message: 'Discord is unavailable; try again shortly', retryAfterSeconds: 5 };
    return undefined;
  }
}

/** ` (customerId)` from the violated constraint, e.g. orders_customer_id_fkey. */
function referencedField(error: Prisma.PrismaClientKnownRequestError): string {
  const meta = error.meta as { field_name?: string; driverAdapterError?: { cause?: { constraint?: { index?: string } } } } | undefined;
  const constraint = meta?.driverAdapterError?.cause?.constraint?.index ?? meta?.field_name ?? '';
  const column = /^[a-z]+_(.+)_fkey/.exec(constraint)?.[1];
  return column ? ` (${column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())})` : '';
}
