import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyRegistry } from './api-key.registry';
import { ConfigurableAuthModule } from './auth.module-definition';
import { AUTH_OPTIONS, AuthOptions } from './auth.options';

/** The key registry; start-up fails without a key unless authentication is disabled explicitly. */
function keyRegistry(options: AuthOptions): ApiKeyRegistry {
  const registry = ApiKeyRegistry.fromConfig(
    { service: options.serviceKeys, admin: options.adminKeys },
    options.otherRealms,
  );
  if (!options.disabled && registry.size === 0) {
    throw new Error(
      'Invalid configuration:\n  - API_KEYS (missing): the API needs at least one key in API_KEYS or API_ADMIN_KEYS (comma-separated), or API_AUTH=disabled to run without authentication',
    );
  }
  return registry;
}

/**
 * API-key authentication for every route of the app that imports it (a global guard). Start-up
 * fails without a key unless authentication is disabled explicitly, which is logged loudly.
 * `forRoot` / `forRootAsync`.
 */
@Module({
  providers: [
    { provide: ApiKeyRegistry, inject: [AUTH_OPTIONS], useFactory: keyRegistry },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
})
export class AuthModule extends ConfigurableAuthModule implements OnModuleInit {
  private readonly logger = new Logger(AuthModule.name);

  constructor(@Inject(AUTH_OPTIONS) private readonly options: AuthOptions) {
    super();
  }

  onModuleInit(): void {
    if (this.options.disabled) {
      this.logger.warn(
        'API_AUTH=disabled: every route of this API is open to anyone who can reach it. Never run it so where it is reachable.',
      );
    }
  }
}
