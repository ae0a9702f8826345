import { createHash } from 'node:crypto';

/**
 * Discord message nonces are at most 25 characters: a digest of the effect's key, so the same
 * effect retried (within Discord's few-minute nonce window) returns the first message.
 */
export function discordNonce(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 25);
}
