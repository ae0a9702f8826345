import { DynamicModule, Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyRegistry } from './api-key.registry';
import { AUTH_OPTIONS, AuthOptions } from './auth.options';

/**
 * API-key authentication for every route of the app that imports it (a global guard). Start-up
 * fails without a key unless authentication is disabled explicitly, which is logged loudly.
 */
@Module({})
export class AuthModule implements OnModuleInit {
  private readonly logger = new Logger(AuthModule.name);

  static forRoot(options: AuthOptions): DynamicModule {
    const registry = ApiKeyRegistry.fromConfig({ service: options.serviceKeys, admin: options.adminKeys }, options.otherRealms);
    if (!options.disabled && registry.size === 0) {
      throw new Error(
        'Invalid configuration:\n  - API_KEYS (missing): the API needs at least one key in API_KEYS or API_ADMIN_KEYS (comma-separated), or API_AUTH=disabled to run without authentication',
      );
    }
    return {
      module: AuthModule,
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        { provide: ApiKeyRegistry, useValue: registry },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }

  constructor(@Inject(AUTH_OPTIONS) private readonly options: AuthOptions) {}

  onModuleInit(): void {
    if (this.options.disabled) {
      this.logger.warn('API_AUTH=disabled: every route of this API is open to anyone who can reach it. Never run it so where it is reachable.');
    }
  }
}
