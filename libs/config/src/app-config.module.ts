import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Environment } from './environment';
import { validateEnvironment } from './validate-environment';

/**
 * The environment, validated once at start-up; `overrides` lets tests and embedding apps supply
 * values without touching process.env. Throws a message naming every bad or missing setting.
 */
export function loadEnvironment(overrides: Record<string, unknown> = {}): Environment {
  return validateEnvironment({ ...process.env, ...overrides });
}

/**
 * Provides the validated environment typed as `Environment` (and through @nestjs/config's
 * ConfigService), for this repo's apps and their composition (libs/runtime) only: libraries take
 * their settings as module options.
 */
@Module({})
export class AppConfigModule {
  static forRoot(env: Environment): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, ignoreEnvVars: true, load: [() => ({ ...env })] })],
      providers: [{ provide: Environment, useValue: env }],
      exports: [Environment, ConfigModule],
    };
  }
}
