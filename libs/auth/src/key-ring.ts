import { createHash, timingSafeEqual } from 'node:crypto';

/** A plaintext key shorter than this is refused at start-up: keys are secrets, not passwords. */
export const MIN_API_KEY_LENGTH = 32;
const DIGEST_ENTRY = /^sha256:([0-9a-f]{64})$/i;

export interface KeyRingEntry<T> {
  /** The key, or `sha256:<hex>`: the digest of one, so a deployment need not hold the key itself. */
  key: string;
  /** Who presents this key (a scope, a backend bot…). */
  owner: T;
  /** How an error names the entry, e.g. "API_KEYS entry 2": never the key. */
  name: string;
}

export interface KeyMatch<T> {
  /** First 12 hex digits of the key's SHA-256: names the key in logs without revealing it. */
  id: string;
  owner: T;
}

/**
 * Keys and who holds each. Presented keys are hashed and compared with every configured digest
 * in constant time: a key of the wrong length neither throws nor answers faster, and a match
 * does not end the comparison early.
 */
export class KeyRing<T> {
  private constructor(private readonly keys: (KeyMatch<T> & { digest: Buffer; name: string })[]) {}

  /** Throws an error naming the offending entry (by `name`, never the key). */
  static of<T>(entries: KeyRingEntry<T>[]): KeyRing<T> {
    return new KeyRing(
      entries.map(({ key, owner, name }) => {
        const digest = DIGEST_ENTRY.exec(key);
        if (!digest && key.length < MIN_API_KEY_LENGTH) {
          throw new Error(
            `${name} is too short: use a random key of at least ${MIN_API_KEY_LENGTH} characters (e.g. \`openssl rand -base64 32\`) or sha256:<hex digest>`,
          );
        }
        const bytes = digest ? Buffer.from(digest[1], 'hex') : sha256(key);
        return { id: bytes.toString('hex').slice(0, 12), owner, digest: bytes, name };
      }),
    );
  }

  get size(): number {
    return this.keys.length;
  }

  /** Ids of keys configured more than once (by their digest), so configuration can refuse them. */
  duplicates(): string[] {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const key of this.keys) {
      const hex = key.digest.toString('hex');
      if (seen.has(hex)) twice.add(key.id);
      seen.add(hex);
    }
    return [...twice];
  }

  /**
   * Entries of this ring and the others that hold the same key, as one sentence per pair naming
   * both entries (never the key): one key in two realms (service and admin, the API and a relay
   * backend) would let its holder act in both.
   */
  sharedWith(...others: KeyRing<unknown>[]): string[] {
    const all = [this, ...others].flatMap((ring) => ring.keys);
    const first = new Map<string, string>();
    const pairs: string[] = [];
    for (const { digest, name } of all) {
      const hex = digest.toString('hex');
      const earlier = first.get(hex);
      if (earlier === undefined) first.set(hex, name);
      else pairs.push(`${earlier} and ${name} are the same key: give each its own key`);
    }
    return pairs;
  }

  /** The entry the presented key matches, if any. Every digest is compared, match or not. */
  verify(presented: string): KeyMatch<T> | undefined {
    const digest = sha256(presented);
    let found: KeyMatch<T> | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(key.digest, digest) && !found) found = { id: key.id, owner: key.owner };
    }
    return found;
  }
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
