export * from './auth.module';
export * from './auth.decorators';
export type { AuthOptions } from './auth.options';
export { ApiKeyRegistry } from './api-key.registry';
export { KeyRing, MIN_API_KEY_LENGTH, sha256 } from './key-ring';
export type { KeyMatch, KeyRingEntry } from './key-ring';
