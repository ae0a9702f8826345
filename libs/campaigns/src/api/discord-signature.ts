import { createPublicKey, KeyObject, verify } from 'node:crypto';

/** DER prefix of an Ed25519 public key in SPKI form: the raw 32 bytes Discord shows follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIGNATURE = /^[0-9a-f]{128}$/i;
const TIMESTAMP = /^\d{1,12}$/;

/** Requests whose timestamp is further than this from now are refused: a captured request cannot be replayed later. */
export const MAX_SIGNATURE_AGE_SECONDS = 300;

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/**
 * Discord's interaction signature: Ed25519 over `X-Signature-Timestamp` + the raw body, with the
 * application's public key (node:crypto verifies Ed25519 natively). Only the exact bytes Discord
 * sent verify, so this runs on the raw body before anything reads it.
 */
export class DiscordSignatureVerifier {
  private readonly key: KeyObject;

  constructor(
    publicKeyHex: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]),
      format: 'der',
      type: 'spki',
    });
  }

  check(signature: string | undefined, timestamp: string | undefined, rawBody: Buffer | undefined): SignatureCheck {
    if (!signature || !SIGNATURE.test(signature))
      return { valid: false, reason: 'missing or malformed X-Signature-Ed25519' };
    if (!timestamp || !TIMESTAMP.test(timestamp))
      return { valid: false, reason: 'missing or malformed X-Signature-Timestamp' };
    if (Math.abs(this.now() / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS)
      return { valid: false, reason: 'timestamp more than 5 minutes off' };
    if (!rawBody) return { valid: false, reason: 'no JSON body' };
    const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
    return verify(null, signed, this.key, Buffer.from(signature, 'hex'))
      ? { valid: true }
      : { valid: false, reason: 'signature does not verify' };
  }
}
