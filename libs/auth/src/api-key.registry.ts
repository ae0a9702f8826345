import type { ApiKeyScope } from './auth.decorators';
import { KeyRing } from './key-ring';

export interface ApiKey {
  /** First 12 hex digits of the key's SHA-256: names the key in logs without revealing it. */
  id: string;
  scope: ApiKeyScope;
}

/**
 * The API keys the service accepts: each configured entry is a key (at least 32 characters) or
 * `sha256:<hex>`, the digest of one, checked by a KeyRing (SHA-256 digests, constant time).
 */
export class ApiKeyRegistry {
  private constructor(private readonly ring: KeyRing<ApiKeyScope>) {}

  /**
   * Throws an error naming the offending setting and position, never the key: a short key, or one
   * key configured twice (in both scopes, or here and in another realm such as a relay backend's).
   */
  static fromConfig(
    entries: { service: string[]; admin: string[] },
    otherRealms: KeyRing<unknown>[] = [],
  ): ApiKeyRegistry {
    const ring = KeyRing.of([
      ...entries.service.map((key, i) => ({ key, owner: 'service' as const, name: `API_KEYS entry ${i + 1}` })),
      ...entries.admin.map((key, i) => ({ key, owner: 'admin' as const, name: `API_ADMIN_KEYS entry ${i + 1}` })),
    ]);
    const shared = ring.sharedWith(...otherRealms);
    if (shared.length > 0) throw new Error(`Invalid configuration:\n${shared.map((line) => `  - ${line}`).join('\n')}`);
    return new ApiKeyRegistry(ring);
  }

  get size(): number {
    return this.ring.size;
  }

  /** The configured key the presented one matches, if any. Every digest is compared, match or not. */
  verify(presented: string): ApiKey | undefined {
    const match = this.ring.verify(presented);
    return match && { id: match.id, scope: match.owner };
  }
}
