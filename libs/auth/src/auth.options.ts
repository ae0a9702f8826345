import type { KeyRing } from './key-ring';

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthOptions {
  /** API_KEYS: keys (or sha256:<hex> digests) with the service scope. */
  serviceKeys: string[];
  /** API_ADMIN_KEYS: keys with the admin scope (which includes the service scope). */
  adminKeys: string[];
  /** API_AUTH=disabled: every route open. Only ever set explicitly; logged at start-up. */
  disabled: boolean;
  /** Keys of other realms (the relay's backend keys): one of them configured here too is refused at start-up. */
  otherRealms?: KeyRing<unknown>[];
}
