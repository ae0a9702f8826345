import { generateKeyPairSync, sign } from 'node:crypto';
import { DiscordSignatureVerifier } from './discord-signature';

describe('DiscordSignatureVerifier', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const now = 1_750_000_000_000;
  const verifier = new DiscordSignatureVerifier(publicKeyHex, () => now);
  const body = Buffer.from('{"type":1}');
  const timestamp = String(now / 1000);
  const signed = (ts: string, raw: Buffer, key = privateKey) =>
    sign(null, Buffer.concat([Buffer.from(ts), raw]), key).toString('hex');

  it('accepts Discord’s signature over timestamp + raw body', () => {
    expect(verifier.check(signed(timestamp, body), timestamp, body)).toEqual({ valid: true });
    expect(verifier.check(signed(timestamp, body).toUpperCase(), timestamp, body)).toEqual({ valid: true });
  });

  it('refuses another body, another timestamp, another key, and malformed or missing headers', () => {
    const signature = signed(timestamp, body);
    expect(verifier.check(signature, timestamp, Buffer.from('{"type": 1}'))).toMatchObject({
      valid: false,
      reason: 'signature does not verify',
    });
    expect(verifier.check(signature, String(now / 1000 + 1), body)).toMatchObject({ valid: false });
    expect(
      verifier.check(signed(timestamp, body, generateKeyPairSync('ed25519').privateKey), timestamp, body),
    ).toMatchObject({ valid: false });
    for (const bad of [undefined, '', 'zz', signature.slice(2), `${signature}00`])
      expect(verifier.check(bad, timestamp, body)).toMatchObject({ valid: false });
    for (const bad of [undefined, '', 'soon', '-1'])
      expect(verifier.check(signature, bad, body)).toMatchObject({ valid: false });
    expect(verifier.check(signature, timestamp, undefined)).toMatchObject({ valid: false, reason: 'no JSON body' });
  });

  it('refuses a timestamp more than five minutes off, either way (replays)', () => {
    for (const offset of [-301, 301]) {
      const ts = String(now / 1000 + offset);
      expect(verifier.check(signed(ts, body), ts, body)).toEqual({
        valid: false,
        reason: 'timestamp more than 5 minutes off',
      });
    }
    const ts = String(now / 1000 - 299);
    expect(verifier.check(signed(ts, body), ts, body)).toEqual({ valid: true });
  });
});
