import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyScope } from './auth.decorators';

/** A plaintext key shorter than this is refused at start-up: keys are secrets, not passwords. */
export const MIN_API_KEY_LENGTH = 32;
const DIGEST_ENTRY = /^sha256:([0-9a-f]{64})$/i;

export interface ApiKey {
  /** First 12 hex digits of the key's SHA-256: names the key in logs without revealing it. */
  id: string;
  scope: ApiKeyScope;
  digest: Buffer;
}

/**
 * The API keys the service accepts. Each configured entry is a key (at least 32 characters) or
 * `sha256:<hex>`, the digest of one, so a deployment need not hold the key itself. Presented keys
 * are hashed and compared with every digest in constant time: a key of the wrong length neither
 * throws nor answers faster.
 */
export class ApiKeyRegistry {
  private constructor(private readonly keys: ApiKey[]) {}

  /** Throws an error naming the offending setting and position, never the key. */
  static fromConfig(entries: { service: string[]; admin: string[] }): ApiKeyRegistry {
    const keys: ApiKey[] = [];
    for (const [scope, setting, list] of [
      ['service', 'API_KEYS', entries.service],
      ['admin', 'API_ADMIN_KEYS', entries.admin],
    ] as const) {
      list.forEach((entry, index) => {
        const digest = DIGEST_ENTRY.exec(entry);
        if (!digest && entry.length < MIN_API_KEY_LENGTH) {
          throw new Error(`${setting} entry ${index + 1} is too short: use a random key of at least ${MIN_API_KEY_LENGTH} characters (e.g. \`openssl rand -base64 32\`) or sha256:<hex digest>`);
        }
        const bytes = digest ? Buffer.from(digest[1], 'hex') : sha256(entry);
        keys.push({ id: bytes.toString('hex').slice(0, 12), scope, digest: bytes });
      });
    }
    return new ApiKeyRegistry(keys);
  }

  get size(): number {
    return this.keys.length;
  }

  /** The configured key the presented one matches, if any. Every digest is compared, match or not. */
  verify(presented: string): ApiKey | undefined {
    const digest = sha256(presented);
    let found: ApiKey | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(key.digest, digest) && !found) found = key;
    }
    return found;
  }
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
