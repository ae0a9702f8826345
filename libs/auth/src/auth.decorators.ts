import { Reflector } from '@nestjs/core';

/**
 * Routes that prove who is calling another way than the service API key, each checked by its
 * own guard: Discord's Ed25519 signature on interactions, a backend bot's own key on the
 * message relay. ApiKeyGuard stands aside for these, and only these.
 */
export type AlternativeAuthentication = 'discord-signature' | 'relay-backend-key';

/** Marks a route (or controller) as authenticated by its own scheme instead of the service API key. */
export const AuthenticatedBy = Reflector.createDecorator<AlternativeAuthentication>();

/**
 * Marks a route as open to anyone. For health probes only, which must be reachable by the
 * orchestrator without credentials and say nothing sensitive. The reason is documentation.
 */
export const PublicRoute = Reflector.createDecorator<{ reason: string }>();

export type ApiKeyScope = 'service' | 'admin';

/** Routes that change what the bot may do on Discord (contractors, subscription channels) need an admin key. */
export const RequiresScope = Reflector.createDecorator<ApiKeyScope>();
