export * from './auth.module';
export * from './auth.decorators';
export type { AuthOptions } from './auth.options';
export { ApiKeyRegistry, MIN_API_KEY_LENGTH } from './api-key.registry';
