import { applyDecorators, createParamDecorator, ExecutionContext, UseFilters, UseGuards } from '@nestjs/common';
import { AuthenticatedBy } from '@discord-backbone/auth';
import type { BackendBotSettings } from '../config/relay-settings';
import { RelayBackendGuard, RelayRequest } from './relay-backend.guard';
import { RelayExceptionFilter } from './relay-exception.filter';
import { RelayJsonBodyGuard } from './relay-json-body.guard';
import { RequestIdGuard } from './request-id.guard';

/**
 * A /v1 controller: authenticated by a backend bot's own key instead of the service API key
 * (declared to the app's ApiKeyGuard), rate-limited per key, bodies in JSON only, errors in the
 * relay's shape with the request's id.
 */
export const RelayRoutes = () =>
  applyDecorators(
    AuthenticatedBy('relay-backend-key'),
    UseGuards(RequestIdGuard, RelayBackendGuard, RelayJsonBodyGuard),
    UseFilters(RelayExceptionFilter),
  );

/** The backend bot the request authenticated as (set by RelayBackendGuard). */
export const Backend = createParamDecorator(
  (_: unknown, context: ExecutionContext): BackendBotSettings =>
    context.switchToHttp().getRequest<RelayRequest>().relayBackend!,
);
