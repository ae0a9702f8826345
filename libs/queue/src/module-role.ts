import type { DynamicModule, ModuleMetadata } from '@nestjs/common';

/**
 * Which side of a message flow a module is imported for. `producer` (the default everywhere): the
 * host stages or sends messages and serves their API, and opens nothing that runs by itself — no
 * SQS poller, no Discord gateway connection, no outbox sender. `consumer`: the deployment that
 * works the messages off (the worker; for the outbox, the process that sends what was staged).
 * It decides the module's providers, so it is given beside the options, never by a factory:
 * `forRoot({ role, ...options })`, `forRootAsync({ role, imports, inject, useFactory })`.
 */
export type ModuleRole = 'producer' | 'consumer';

/** The extras a configurable module with a producer and a consumer side takes beside its options. */
export interface RoleModuleExtras {
  /** Register the module globally (its exports visible to every module of the app). */
  isGlobal: boolean;
  role: ModuleRole;
  /**
   * Mount the module's HTTP controllers (default true). A host that brings its own API passes
   * `false`: e.g. the order-threads and bot-operations producers' routes are this repository's
   * reference marketplace API (its orders, subscriptions, listings), not the host's.
   */
  routes?: boolean;
}

/** What each role adds to a module's definition (the options provider is already there). */
export type RoleSides = Record<ModuleRole, Pick<ModuleMetadata, 'imports' | 'controllers' | 'providers' | 'exports'>>;

/** The `setExtras` transform of a module with two sides: the chosen side's metadata joins the definition. */
export function withRole(sides: RoleSides): (definition: DynamicModule, extras: RoleModuleExtras) => DynamicModule {
  return (definition, extras) => {
    const side = Object.hasOwn(sides, extras.role) ? sides[extras.role] : undefined;
    if (!side)
      throw new Error(
        `${definition.module.name}: role must be 'producer' or 'consumer', not ${JSON.stringify(extras.role)}`,
      );
    return {
      ...definition,
      global: extras.isGlobal,
      imports: [...(definition.imports ?? []), ...(side.imports ?? [])],
      controllers: extras.routes === false ? [] : [...(definition.controllers ?? []), ...(side.controllers ?? [])],
      providers: [...(definition.providers ?? []), ...(side.providers ?? [])],
      exports: [...(definition.exports ?? []), ...(side.exports ?? [])],
    };
  };
}
